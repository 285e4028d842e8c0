package io.contextlab.tracing;

import io.contextlab.platform.libc.Affinity;
import io.contextlab.tracing.libbpf.BpfProgram.RunStats;
import io.contextlab.tracing.libbpf.Libbpf;
import io.contextlab.tracing.probes.Context;
import io.contextlab.tracing.probes.TracingSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
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
        if (Runtime.getRuntime().availableProcessors() >= 2) {
            Thread t = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 100; i++) {
                    Affinity.pinCurrentThread(i % 2);
                    long until = System.nanoTime() + 100_000;
                    while (System.nanoTime() < until) Thread.onSpinWait();
                }
            });
            t.join();
        }
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
