package io.contextlab.tracing;

import io.contextlab.platform.JvmFlags;
import io.contextlab.tracing.libbpf.BpfProgram.RunStats;
import io.contextlab.tracing.libbpf.Libbpf;
import io.contextlab.tracing.probes.Context;
import io.contextlab.tracing.probes.TracingSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.contextlab.tracing.probes.KernelObjects.bpftool;
import static io.contextlab.tracing.probes.KernelObjects.fdinfo;
import static io.contextlab.tracing.probes.KernelObjects.moveAThreadBetweenCpus;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The context tier loaded once and pinned (what `lab run` does for its forks) counts what the
 * tier loaded in the process counts, runs only while attached, and its pins go when the run
 * ends; pin directories of hosts that are gone are removed. The probe tests need root and BTF
 * (skipped elsewhere with the reason printed); the stale-directory test runs anywhere.
 */
class ContextPinsTest {
    static final int PID = (int) ProcessHandle.current().pid();

    private static void requireTracing() {
        String reason = TracingSupport.unavailableReason();
        if (reason != null) System.out.println("ContextPinsTest skipped: " + reason);
        assumeTrue(reason == null, reason);
    }

    /** One traced window of known work: 200 sleeps, then a thread moved between two CPUs 100 times. */
    private static Context.Reading traced(Context context) throws Exception {
        context.clear();
        context.attach();
        for (int i = 0; i < 200; i++) Thread.sleep(1);
        if (Runtime.getRuntime().availableProcessors() >= 2) moveAThreadBetweenCpus(100);
        context.detach();
        context.markDetached();
        return context.read();
    }

    private static void assertCounts(String how, Context.Reading r) {
        assertTrue(r.voluntary() >= 200, how + ": voluntary switches " + r.voluntary());
        if (Runtime.getRuntime().availableProcessors() >= 2) assertTrue(r.migrations() >= 50, how + ": migrations " + r.migrations());
        long samples = r.cpus().values().stream().mapToLong(c -> c.samples()).sum();
        assertTrue(samples > 0, how + ": run-queue samples " + samples);
        assertTrue(r.targetSamples() > 0, how + ": samples of the target running " + r.targetSamples());
    }

    private static long runs(List<RunStats> before, List<RunStats> after) {
        long runs = 0;
        for (int i = 0; i < after.size(); i++) runs += after.get(i).minus(before.get(i)).runCount();
        return runs;
    }

    @Test
    void pinnedTierCountsWhatTheSelfLoadedOneCounts() throws Exception {
        requireTracing();
        try (var self = new Context(PID)) {
            assertFalse(self.pinned());
            assertCounts("loaded here", traced(self));
        }
        try (ContextPins pins = ContextPins.forRun()) {
            Path dir = pins.dir();
            assumeTrue(dir != null, "nothing pinned (see the line above)");
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(Set.of("context_switch", "context_migrate", "context_sample", "context_by_cpu", "context_target"),
                        files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
            }
            // Two forks in turn, as JMH runs them: each opens the pins, writes its tgid, counts, closes.
            for (int fork = 0; fork < 2; fork++) {
                try (var pinned = Context.openPinned(dir, PID, Context.DEFAULT_PERIOD_NS)) {
                    assertTrue(pinned.pinned());
                    assertCounts("pinned, opener " + fork, traced(pinned));
                }
            }
        }
    }

    @Test
    void pinnedProgramsRunOnlyWhileAttachedAndTheirPinsGoAtTheEnd() throws Exception {
        requireTracing();
        Path dir;
        try (ContextPins pins = ContextPins.forRun()) {
            dir = pins.dir();
            assumeTrue(dir != null, "nothing pinned (see the line above)");
            try (var pinned = Context.openPinned(dir, PID, Context.DEFAULT_PERIOD_NS)) {
                int fd = Libbpf.enableRunTimeStats();
                try {
                    List<RunStats> before = pinned.runStats();
                    for (int i = 0; i < 100; i++) Thread.sleep(1);
                    assertEquals(0, runs(before, pinned.runStats()), "runs of pinned programs nobody attached");
                    before = pinned.runStats();
                    pinned.attach();
                    for (int i = 0; i < 100; i++) Thread.sleep(1);
                    pinned.detach();
                    assertTrue(runs(before, pinned.runStats()) >= 100, "runs while attached");
                    assertTrue(pinned.linkFds().isEmpty(), "no link left after detach");
                    before = pinned.runStats();
                    for (int i = 0; i < 100; i++) Thread.sleep(1);
                    assertEquals(0, runs(before, pinned.runStats()), "runs after detach");
                } finally {
                    Libbpf.closeFd(fd);
                }
            }
        }
        assertFalse(Files.exists(dir), "the pins are removed when the run ends: " + dir);
    }

    /** A fork: takes the context tier as the profiler does, attaches, prints what it holds, waits to be killed. */
    public static final class Fork {
        public static void main(String[] args) throws Exception {
            Context context = ContextPins.context((int) ProcessHandle.current().pid(), Context.DEFAULT_PERIOD_NS);
            context.attach();
            List<String> links = new ArrayList<>();
            for (int fd : context.linkFds()) links.add(fdinfo(fd, "link_id"));
            List<String> progs = new ArrayList<>();
            for (int fd : context.programFds()) progs.add(fdinfo(fd, "prog_id"));
            System.out.println("pinned=" + context.pinned() + " links=" + String.join(",", links) + " progs=" + String.join(",", progs));
            System.out.flush();
            Thread.sleep(60_000);
        }
    }

    /**
     * A child of the pinning process finds the pins by its parent and attaches the pinned
     * programs; killed with SIGKILL it leaves no link (the programs stay, pinned, until the run
     * ends, then go too).
     */
    @Test
    void aChildOfThePinningProcessUsesThePinsAndItsLinksDieWithIt() throws Exception {
        requireTracing();
        assumeTrue(bpftool("version") == 0, "no bpftool to ask the kernel");
        String[] progs;
        try (ContextPins pins = ContextPins.forRun()) {
            assumeTrue(pins.dir() != null, "nothing pinned (see the line above)");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(JvmFlags.ALL);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), Fork.class.getName()));
            Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (var reader = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
                String line = reader.readLine();
                while (line != null && !line.startsWith("pinned=")) line = reader.readLine();
                assertTrue(line != null, "the child printed nothing");
                String[] f = line.split(" ");
                assertEquals("pinned=true", f[0], "the child took its parent's pins");
                String[] links = f[1].substring("links=".length()).split(",");
                progs = f[2].substring("progs=".length()).split(",");
                assertTrue(links.length >= 3, "links: " + f[1]);
                for (String id : links) assertEquals(0, bpftool("link", "show", "id", id), "link " + id + " while attached");

                child.destroyForcibly(); // SIGKILL
                assertTrue(child.waitFor(10, TimeUnit.SECONDS), "the child did not die");
                for (String id : links) assertTrue(gone("link", id), "link " + id + " survived the SIGKILL of its process");
                for (String id : progs) assertEquals(0, bpftool("prog", "show", "id", id), "pinned prog " + id + " while the run lasts");
            } finally {
                child.destroyForcibly();
            }
        }
        for (String id : progs) assertTrue(gone("prog", id), "prog " + id + " survived the end of the run");
    }

    /** The kernel frees objects after an RCU grace period: asks for a few seconds. */
    private static boolean gone(String what, String id) throws Exception {
        for (int i = 0; i < 50; i++) {
            if (bpftool(what, "show", "id", id) != 0) return true;
            Thread.sleep(100);
        }
        return false;
    }


    @Test
    void pinDirectoriesOfGoneHostsAreRemoved(@TempDir Path bpffs) throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        ProcessHandle self = ProcessHandle.current();
        Path mine = ContextPins.dirOf(bpffs, self).orElseThrow();
        long myStart = self.info().startInstant().orElseThrow().toEpochMilli();
        Path dead = bpffs.resolve("contextlab-" + gone.pid() + "-1");
        Path reused = bpffs.resolve("contextlab-" + self.pid() + "-" + (myStart - 60_000));   // this pid, an earlier process
        Path unrelated = bpffs.resolve("somebody-else");
        for (Path dir : List.of(mine, dead, reused, unrelated)) {
            Files.createDirectory(dir);
            Files.writeString(dir.resolve("context_by_cpu"), "");
        }
        assumeTrue(ProcessHandle.of(gone.pid()).isEmpty(), "the pid of the finished process was reused already");

        assertEquals(2, ContextPins.removeStale(bpffs));
        assertFalse(Files.exists(dead), "a gone host's pins");
        assertFalse(Files.exists(reused), "pins of an earlier process with this pid");
        assertTrue(Files.exists(mine.resolve("context_by_cpu")), "a live host's pins stay");
        assertTrue(Files.exists(unrelated), "what is not ours stays");
    }
}
