package io.contextlab.tracing.probes;

import io.contextlab.platform.libc.Affinity;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the probe tests ask the kernel about this process's BPF objects, and the workloads they count. */
public final class KernelObjects {
    private KernelObjects() {}

    /** bpftool's exit status for {@code args}, -1 when it cannot run or hangs. */
    public static int bpftool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bpftool"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** The value of {@code key} (prog_id, link_id) in this process's /proc fdinfo of {@code fd}. */
    public static String fdinfo(int fd, String key) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith(key + ":")) return line.substring(key.length() + 1).trim();
        }
        throw new IllegalStateException("fd " + fd + " has no " + key);
    }

    /** A new thread moved between CPUs 0 and 1 {@code times} times, spinning 0.1 ms on each; joined. */
    public static void moveAThreadBetweenCpus(int times) throws InterruptedException {
        Thread t = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < times; i++) {
                Affinity.pinCurrentThread(i % 2);
                long until = System.nanoTime() + 100_000;
                while (System.nanoTime() < until) Thread.onSpinWait();
            }
        });
        t.join();
    }
}
