package io.contextlab.lab.references;

import io.contextlab.lab.references.CrossCheck.Measured;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * EpollReference over k pairs with a stand-in perf (a shell script printing perf stat's -x,
 * line; no perf, no herd and no JMH run): the herd's checks in every pair, perf bench epoll once.
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

    private List<CrossCheck> pairs(Path root, EpollReference reference, int k, long seed) {
        ReferenceContext context = new ReferenceContext(root, root, List.of(), new PrintStream(log, true, StandardCharsets.UTF_8));
        List<Pairs.Round> rounds = Pairs.interleave(k, seed, pair -> reference.measure(context), specs -> pair ->
                EpollReference.HERD_STYLES.stream().map(style -> new Measured(HERD, Map.of("style", style, "k", "16", "cpus", "all"),
                        Map.of("kernelWakeupsPerConnection", new Score(1.0, "wakeups/connection")))).toList(), line -> {});
        return Pairs.judge("epoll", seed, rounds);
    }

    private static long seedWhoseFirstPairIs(String order) {
        return LongStream.iterate(1, s -> s + 1).filter(s -> Pairs.orders(s, 1).getFirst().equals(order)).findFirst().orElseThrow();
    }

    private static int count(String text, String what) {
        return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }

    @Test
    void theHerdRunsInEveryPairAndPerfBenchOnce(@TempDir Path root) throws Exception {
        Path perf = perf(root);
        int k = 5;
        for (String first : List.of(Pairs.JMH_FIRST, Pairs.REFERENCE_FIRST)) {
            log.reset();
            List<CrossCheck> checks = pairs(root, new EpollReference(() -> Optional.of(perf)), k, seedWhoseFirstPairIs(first));
            List<CrossCheck> herd = checks.stream().filter(c -> HERD.equals(c.benchmark())).toList();
            assertEquals(EpollReference.HERD_STYLES.size(), herd.size(), first + ": " + checks);
            for (CrossCheck c : herd) {
                assertEquals(k, c.pairs(), first + ": " + c);
                assertEquals(1.0, c.reference().value(), 1e-9);
                assertEquals("agrees", c.verdict());
            }
            String text = log.toString(StandardCharsets.UTF_8);
            int rounds = first.equals(Pairs.JMH_FIRST) ? k + 1 : k;  // JMH first: one round before the pairs learns the checks
            assertEquals(2 * EpollReference.HERD_STYLES.size() * rounds, count(text, "herd_wakeups "), text);
            assertEquals(EpollReference.PERF_BENCHES.size(), count(text, " bench epoll "), text);
        }
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
            checks = pairs(root, new EpollReference(() -> Optional.of(mute)), 3, seedWhoseFirstPairIs(Pairs.REFERENCE_FIRST));
        } finally {
            System.setErr(err);
        }
        assertTrue(checks.stream().noneMatch(c -> HERD.equals(c.benchmark())), checks.toString());
        String text = log.toString(StandardCharsets.UTF_8);
        assertEquals(3 * EpollReference.HERD_STYLES.size(), count(text, "perf stat could not count"), text);
        assertEquals(1, count(console.toString(StandardCharsets.UTF_8), "perf stat could not count"));
    }
}
