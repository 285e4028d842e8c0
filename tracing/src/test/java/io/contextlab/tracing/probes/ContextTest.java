package io.contextlab.tracing.probes;

import io.contextlab.platform.libc.Affinity;
import io.contextlab.tracing.libbpf.BpfProgram.RunStats;
import io.contextlab.tracing.libbpf.Libbpf;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The context tier (context.bpf.c) counts workloads whose counts are known, weights run-queue
 * length by time, and leaves the kernel's BPF accounting as it found it. Needs root and BTF;
 * elsewhere skipped with the reason printed. Counts and bounds, never measured times.
 */
class ContextTest {
    static final int PID = (int) ProcessHandle.current().pid();

    @BeforeAll
    static void requireTracing() {
        String reason = TracingSupport.unavailableReason();
        if (reason != null) System.out.println("ContextTest skipped: " + reason);
        assumeTrue(reason == null, reason);
    }

    @Test
    void twoHundredSleepsAreVoluntarySwitches() throws Exception {
        try (var context = new Context(PID)) {
            context.clear();
            context.attach();
            for (int i = 0; i < 200; i++) Thread.sleep(1);
            context.detach();
            context.markDetached();
            var r = context.read();
            assertTrue(r.voluntary() >= 200, "voluntary switches: " + r.voluntary());
        }
    }

    @Test
    void movingAThreadBetweenCpusCountsMigrations() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "needs two CPUs");
        try (var context = new Context(PID)) {
            context.clear();
            context.attach();
            KernelObjects.moveAThreadBetweenCpus(100);
            context.detach();
            var r = context.read();
            assertTrue(r.migrations() >= 50, "migrations: " + r.migrations());
        }
    }

    @Test
    void twoSpinnersOnOneCpuPreemptEachOtherAndShareIt() throws Exception {
        try (var context = new Context(PID)) {
            context.clear();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> spinners = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                spinners.add(Thread.ofPlatform().start(() -> {
                    Affinity.pinCurrentThread(0);
                    while (!stop.get()) Thread.onSpinWait();
                }));
            }
            Thread.sleep(50);
            context.attach();
            Thread.sleep(500);
            context.detach();
            context.markDetached();
            stop.set(true);
            for (Thread t : spinners) t.join();
            var r = context.read();
            assertTrue(r.involuntary() > 0, "involuntary switches: " + r.involuntary());
            assertTrue(r.targetCpus().contains(0), "the target was seen running on CPU 0: " + r.targetCpus());
            assertTrue(r.targetNonempty() > 0, "samples with a spinner waiting behind the other");
            // Two spinners pinned there: about two runnable tasks on CPU 0 for the whole window.
            assertTrue(r.queued(0) >= 1.5, "time-weighted runnable tasks on CPU 0: " + r.queued(0));
            assertTrue(r.runqlen(0) >= 0.5, "time-weighted waiting tasks on CPU 0: " + r.runqlen(0));
        }
    }

    /**
     * Another process spinning on the CPU the target spins on counts as interference
     * (othersOnTargetCpus); the target's own threads do not.
     */
    @Test
    void anotherProcessOnTheTargetsCpuIsInterference() throws Exception {
        try (var context = new Context(PID)) {
            context.clear();
            AtomicBoolean stop = new AtomicBoolean();
            Thread spinner = Thread.ofPlatform().start(() -> {
                Affinity.pinCurrentThread(0);
                while (!stop.get()) Thread.onSpinWait();
            });
            Process other = new ProcessBuilder("taskset", "-c", "0", "sh", "-c", "while :; do :; done").start();
            try {
                Thread.sleep(100);
                context.attach();
                Thread.sleep(500);
                context.detach();
                context.markDetached();
            } finally {
                other.destroyForcibly().waitFor();
                stop.set(true);
                spinner.join();
            }
            var r = context.read();
            // Two runnable tasks share CPU 0 fairly: the other process gets a large part of it.
            assertTrue(r.otherShare(0) >= 0.2, "other processes' share of CPU 0: " + r.otherShare(0));
            assertTrue(r.othersOnTargetCpus(0.25) >= 0.2, "interference on the target's CPUs: " + r.othersOnTargetCpus(0.25));
            assertTrue(r.othersSeen(0.25, 0.2, 2), "seen in more than one sample");
        }
    }

    /**
     * A CPU that idled the whole window (judged by /proc/stat, since other processes share the
     * machine) has a time-weighted run-queue length of about 0, however few samples it took.
     */
    @Test
    void anIdleCpuHasARunQueueOfAboutZero() throws Exception {
        try (var context = new Context(PID)) {
            context.clear();
            Map<Integer, long[]> before = idleAndTotal();
            context.attach();
            Thread.sleep(1000);
            context.detach();
            context.markDetached();
            Map<Integer, long[]> after = idleAndTotal();
            var r = context.read();
            boolean anyIdle = false;
            for (int cpu : r.cpus().keySet()) {
                long idle = after.get(cpu)[0] - before.get(cpu)[0], total = after.get(cpu)[1] - before.get(cpu)[1];
                if (total > 0 && idle >= 0.95 * total) {
                    anyIdle = true;
                    assertTrue(r.runqlen(cpu) < 0.05, "cpu " + cpu + " idled " + idle + "/" + total + " ticks, runqlen " + r.runqlen(cpu));
                    assertTrue(r.queued(cpu) < 0.1, "cpu " + cpu + " runnable " + r.queued(cpu));
                }
            }
            if (!anyIdle) System.out.println("ContextTest: no CPU idled the whole second (a busy machine): nothing judged");
            assumeTrue(anyIdle, "no CPU idled the whole second");
        }
    }

    @Test
    void runTimeStatsCountTheProgramsWhileEnabled() throws Exception {
        try (var context = new Context(PID)) {
            int fd = Libbpf.enableRunTimeStats();
            try {
                List<RunStats> before = context.runStats();
                context.attach();
                for (int i = 0; i < 100; i++) Thread.sleep(1);
                context.detach();
                List<RunStats> after = context.runStats();
                long runs = 0, ns = 0;
                for (int i = 0; i < after.size(); i++) {
                    runs += after.get(i).minus(before.get(i)).runCount();
                    ns += after.get(i).minus(before.get(i)).runTimeNs();
                }
                assertTrue(runs >= 100, "program runs: " + runs);
                assertTrue(ns > 0, "program run time: " + ns);
            } finally {
                Libbpf.closeFd(fd);
            }
        }
    }

    private static Map<Integer, long[]> idleAndTotal() throws Exception {
        Map<Integer, long[]> out = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
            if (!line.startsWith("cpu") || line.startsWith("cpu ")) continue;
            String[] f = line.trim().split("\\s+");
            long total = 0;
            for (int i = 1; i <= 8 && i < f.length; i++) total += Long.parseLong(f[i]);
            out.put(Integer.parseInt(f[0].substring(3)), new long[] {Long.parseLong(f[4]), total});
        }
        return out;
    }
}
