package io.contextlab.lab.references;

import io.contextlab.lab.references.CrossCheck.Score;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * EpollReference over k pairs with a stand-in perf (a shell script printing perf stat's -x,
 * line; no perf, no herd and no JMH run): the herd's checks in every pair of its fork, perf
 * bench epoll once.
 */
class EpollReferenceTest {
    private static final String HERD = "io.contextlab.epoll.ThunderingHerd.connectAndCount";
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    /** A lab root with herd_wakeups "built" (never run: the stand-in perf does not start it), and the stand-in perf. */
    private static Path perf(Path root) throws Exception {
        Path programs = Files.createDirectories(root.resolve("jmh/target/crosscheck"));
        executable(programs.resolve("herd_wakeups"), "#!/bin/sh\nexit 0\n");
        // perf stat: one waiter wake-up per connection over a baseline of one per waiter; perf bench: a line
        return executable(root.resolve("perf"), """
                #!/bin/sh
                if [ "$1" = bench ]; then echo "# Running bench"; exit 0; fi
                for n; do :; done
                echo "$((16 + n)),,sched:sched_wakeup,1000,100.00,," >&2
                """);
    }

    private static Path executable(Path p, String text) throws Exception {
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /**
     * What Pairs and PairedProbes do, without JMH: the learning round, then k rounds in each herd
     * fork (the probes with a target there), each iteration's JMH figure 1 wake-up per connection.
     */
    private List<CrossCheck> pairs(Path root, EpollReference reference, int k, long seed) {
        ReferenceContext context = new ReferenceContext(root, root, List.of(), new PrintStream(log, true, StandardCharsets.UTF_8));
        Map<String, List<CrossCheck.Outside>> learned = Pairs.learn(reference, context);
        Map<String, List<PairedProbes.Target>> targets = Pairs.targets(learned, List.of());
        List<Pairs.Forks> results = new ArrayList<>();
        for (String style : EpollReference.HERD_STYLES) {
            Map<String, String> params = Map.of("style", style, "k", "16", "cpus", "all");
            List<Pairs.Iteration> iterations = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                Map<String, Score> metrics = new LinkedHashMap<>(PairedProbes.figures(
                        PairedProbes.round(reference, targets, HERD, params::get, context, null), HERD, params::get));
                metrics.put("kernelWakeupsPerConnection", new Score(1.0, "wakeups/connection"));
                iterations.add(new Pairs.Iteration(metrics));
            }
            results.add(new Pairs.Forks(params, HERD, List.of(iterations)));
        }
        return Pairs.judge("epoll", seed, learned, results);
    }

    private static int count(String text, String what) {
        return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }

    @Test
    void theHerdRunsInEveryPairAndPerfBenchOnce(@TempDir Path root) throws Exception {
        Path perf = perf(root);
        int k = 5;
        List<CrossCheck> checks = pairs(root, new EpollReference(() -> Optional.of(perf)), k, 3);
        List<CrossCheck> herd = checks.stream().filter(c -> HERD.equals(c.benchmark())).toList();
        assertEquals(EpollReference.HERD_STYLES.size(), herd.size(), checks.toString());
        for (CrossCheck c : herd) {
            assertEquals(k, c.pairs(), c.toString());
            assertEquals(1.0, c.reference().value(), 1e-9);
            assertEquals("agrees", c.verdict());
        }
        String text = log.toString(StandardCharsets.UTF_8);
        // the learning round, then k rounds in each style's fork of its own style only
        assertEquals(2 * EpollReference.HERD_STYLES.size() * (k + 1), count(text, "\"herd_waiter\" herd_wakeups "), text);
        assertEquals(EpollReference.PERF_BENCHES.size(), count(text, " bench epoll "), text);
    }

    @Test
    void perfMissingIsSaidOnceAndGivesNoHerdRow(@TempDir Path root) throws Exception {
        perf(root);
        List<CrossCheck> checks = pairs(root, new EpollReference(Optional::empty), 5, 7);
        assertTrue(checks.stream().noneMatch(c -> HERD.equals(c.benchmark())), checks.toString());
        assertEquals(1, count(log.toString(StandardCharsets.UTF_8), "perf not found"));
    }

    @Test
    void aPerfThatCannotCountIsSaidOnceOnTheConsoleAndEachTimeInTheLog(@TempDir Path root) throws Exception {
        perf(root);
        Path mute = executable(root.resolve("mute-perf"), "#!/bin/sh\nexit 0\n");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream err = System.err;
        List<CrossCheck> checks;
        System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));
        try {
            checks = pairs(root, new EpollReference(() -> Optional.of(mute)), 3, 1);
        } finally {
            System.setErr(err);
        }
        assertTrue(checks.stream().noneMatch(c -> HERD.equals(c.benchmark())), checks.toString());
        String text = log.toString(StandardCharsets.UTF_8);
        // the learning round only: a probe that counted nothing gives the pairs no target
        assertEquals(EpollReference.HERD_STYLES.size(), count(text, "perf stat could not count"), text);
        assertEquals(1, count(console.toString(StandardCharsets.UTF_8), "perf stat could not count"));
    }
}
