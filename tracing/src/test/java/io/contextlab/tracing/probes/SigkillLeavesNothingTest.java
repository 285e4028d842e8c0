package io.contextlab.tracing.probes;

import io.contextlab.platform.JvmFlags;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.contextlab.tracing.probes.KernelObjects.bpftool;
import static io.contextlab.tracing.probes.KernelObjects.fdinfo;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A JVM that attached probes and is killed with SIGKILL (no shutdown hook, no close) leaves no
 * BPF program or link behind: the kernel's `bpftool prog show id N` / `link show id N` no longer
 * know the ids the child reported.
 */
class SigkillLeavesNothingTest {
    /** The child: attaches cswitch, runqlen and the context tier (after one attach-detach cycle, as the profiler does each iteration), holds the BPF stats switch, prints its prog and link ids, waits to be killed. */
    public static final class AttachAndWait {
        public static void main(String[] args) throws Exception {
            var cswitch = new Cswitch(0);
            var runqlen = new Runqlen(99);
            var context = new Context((int) ProcessHandle.current().pid());
            context.attach();
            context.detach();
            io.contextlab.tracing.libbpf.Libbpf.enableRunTimeStats();
            cswitch.attach();
            runqlen.attach();
            context.attach();
            List<String> ids = new ArrayList<>();
            for (Probe p : List.of(cswitch, runqlen, context)) {
                for (int fd : p.programFds()) ids.add("prog " + fdinfo(fd, "prog_id"));
                for (int fd : p.linkFds()) ids.add("link " + fdinfo(fd, "link_id"));
            }
            System.out.println(String.join(";", ids));
            System.out.flush();
            Thread.sleep(60_000);
        }
    }

    @Test
    void sigkilledTracerLeavesNoProgramOrLink() throws Exception {
        String reason = TracingSupport.unavailableReason();
        if (reason != null) System.out.println("SigkillLeavesNothingTest skipped: " + reason);
        assumeTrue(reason == null, reason);
        assumeTrue(bpftool("version") == 0, "no bpftool to ask the kernel");

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(JvmFlags.ALL);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), AttachAndWait.class.getName()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String line;
        try (var reader = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
            line = reader.readLine();
            while (line != null && !line.startsWith("prog ")) line = reader.readLine();
            assertTrue(line != null, "the child printed no ids");
            List<String[]> objects = new ArrayList<>();
            for (String item : line.split(";")) objects.add(item.split(" "));
            for (String[] o : objects) assertTrue(bpftool(o[0], "show", "id", o[1]) == 0, o[0] + " " + o[1] + " missing while attached");

            child.destroyForcibly(); // SIGKILL
            assertTrue(child.waitFor(10, TimeUnit.SECONDS), "the child did not die");

            // The kernel frees programs after an RCU grace period: give it a moment.
            for (String[] o : objects) {
                boolean gone = false;
                for (int i = 0; i < 50 && !gone; i++) {
                    gone = bpftool(o[0], "show", "id", o[1]) != 0;
                    if (!gone) Thread.sleep(100);
                }
                assertTrue(gone, o[0] + " " + o[1] + " survived the SIGKILL of its process");
            }
            assertFalse(objects.isEmpty());
        } finally {
            child.destroyForcibly();
        }
    }

}
