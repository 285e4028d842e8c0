package io.contextlab.lab.references;

import io.contextlab.lab.references.CrossCheck.Measured;
import io.contextlab.lab.references.CrossCheck.Outside;
import io.contextlab.lab.references.CrossCheck.Reference;
import io.contextlab.lab.references.CrossCheck.Score;
import io.contextlab.lab.references.CrossCheck.Spec;
import io.contextlab.platform.Json;
import io.contextlab.platform.SchemaCheck;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pairs on synthetic sides (invented figures, no program and no JMH run): order, verdicts, the JMH options. */
class PairsTest {
    private static final String BENCH = "io.contextlab.x.Loops.call";
    private static final Spec SPEC = new Spec("a call", BENCH, Map.of(), CrossCheck.PRIMARY, "ns/op", CrossCheck.TOLERANCE);

    /** k pairs whose reference gives {@code ref} and whose JMH side gives {@code jmh}; every side's turn noted in {@code turns}. */
    private static List<CrossCheck> paired(int k, long seed, DoubleSupplier ref, DoubleSupplier jmh, List<String> turns) {
        List<Pairs.Round> rounds = Pairs.interleave(k, seed, pair -> {
            turns.add("R" + pair);
            return List.of(new Outside(SPEC, new Reference("loop", "one round", ref.getAsDouble(), List.of())));
        }, specs -> {
            assertEquals(List.of(SPEC), specs);
            return pair -> {
                turns.add("J" + pair);
                return List.of(new Measured(BENCH, Map.of(), Map.of(CrossCheck.PRIMARY, new Score(jmh.getAsDouble(), "ns/op"))));
            };
        }, line -> { throw new AssertionError(line); });
        List<CrossCheck> checks = Pairs.judge("x", seed, rounds);
        checks.forEach(c -> SchemaCheck.assertValid("crosscheck.v2", Json.toJson(c)));
        return checks;
    }

    private static DoubleSupplier around(Random random, double centre, double relativeNoise) {
        return () -> centre * (1 + relativeNoise * (2 * random.nextDouble() - 1));
    }

    @Test
    void theSameDistributionOnBothSidesAgrees() {
        Random random = new Random(1);
        CrossCheck c = paired(7, 11, around(random, 200, 0.02), around(random, 200, 0.02), new ArrayList<>()).getFirst();
        assertEquals("agrees", c.verdict());
        assertEquals(7, c.pairs());
    }

    @Test
    void aTwofoldShiftDiffers() {
        Random random = new Random(2);
        CrossCheck c = paired(5, 12, around(random, 200, 0.02), around(random, 400, 0.02), new ArrayList<>()).getFirst();
        assertEquals("differs", c.verdict());
        assertTrue(c.ratioCi().get(0) > 1 + CrossCheck.TOLERANCE);
    }

    @Test
    void aHugeSpreadOnBothSidesIsDrifting() {
        Random random = new Random(3);
        CrossCheck c = paired(5, 13, around(random, 200, 0.8), around(random, 200, 0.8), new ArrayList<>()).getFirst();
        assertEquals("drifting", c.verdict());
        assertTrue(c.spread().measured() > CrossCheck.TOLERANCE && c.spread().reference() > CrossCheck.TOLERANCE);
    }

    @Test
    void eachPairsOrderIsDrawnFromTheSeedRecordedAndFollowed() {
        long seed = 20261202;
        List<String> orders = Pairs.orders(seed, 12);
        assertEquals(orders, Pairs.orders(seed, 12));
        assertTrue(orders.contains(Pairs.JMH_FIRST) && orders.contains(Pairs.REFERENCE_FIRST));

        List<String> turns = new ArrayList<>();
        CrossCheck c = paired(12, seed, () -> 100, () -> 100, turns).getFirst();
        assertEquals(seed, c.seed());
        assertEquals(orders, c.pairValues().stream().map(CrossCheck.Pair::order).toList());
        List<String> expected = new ArrayList<>();
        if (orders.getFirst().equals(Pairs.JMH_FIRST)) expected.add("R0");  // learning the checks first
        for (int i = 0; i < orders.size(); i++) {
            int pair = i + 1;
            expected.addAll(orders.get(i).equals(Pairs.JMH_FIRST) ? List.of("J" + pair, "R" + pair) : List.of("R" + pair, "J" + pair));
        }
        assertEquals(expected, turns);
        List<String> again = new ArrayList<>();
        paired(12, seed, () -> 100, () -> 100, again);
        assertEquals(turns, again);
    }

    @Test
    void aSideThatFailsInOnePairLosesOnlyThatPair() {
        List<String> said = new ArrayList<>();
        long seed = 5;
        List<Pairs.Round> rounds = Pairs.interleave(5, seed, pair -> {
            if (pair == 3) throw new IllegalStateException("no figure");
            return List.of(new Outside(SPEC, new Reference("loop", "one round", 100, List.of())));
        }, specs -> pair -> List.of(new Measured(BENCH, Map.of(), Map.of(CrossCheck.PRIMARY, new Score(100, "ns/op")))), said::add);
        CrossCheck c = Pairs.judge("x", seed, rounds).getFirst();
        assertEquals(4, c.pairs());
        assertEquals(1, said.size());
        assertTrue(said.getFirst().startsWith("pair 3: the reference side failed"), said.getFirst());
    }

    @Test
    void theJmhOptionsIncludeEachBenchmarkAndTheParamsOfItsComparedResults() throws Exception {
        Spec n8 = new Spec("n=8", BENCH, Map.of("n", "8"), CrossCheck.PRIMARY, "ns/op", 0.1);
        Spec n64 = new Spec("n=64", BENCH, Map.of("n", "64"), CrossCheck.PRIMARY, "ns/op", 0.1);
        Spec other = new Spec("other", "io.contextlab.x.Other.run", Map.of("mode", "free"), "rssBytesPerThread", "B/thread", 0.1);
        Spec info = new Spec("outside only", null, Map.of(), CrossCheck.PRIMARY, "ns/op", null);
        // the main run found n=8 with its other param; n=64 it did not run: the Spec's own params
        Collection<Measured> main = List.of(new Measured(BENCH, Map.of("n", "8", "sqpoll", "false"), Map.of()));
        List<String> args = Pairs.jmhArguments(List.of(n8, n64, other, info), main);
        Options o = new CommandLineOptions(args.toArray(String[]::new));
        assertEquals(List.of("^io\\.contextlab\\.x\\.Loops\\.call$", "^io\\.contextlab\\.x\\.Other\\.run$"), o.getIncludes());
        assertEquals(List.of("64", "8"), List.copyOf(o.getParameter("n").get()));
        assertEquals(List.of("false"), List.copyOf(o.getParameter("sqpoll").get()));
        assertEquals(List.of("free"), List.copyOf(o.getParameter("mode").get()));
        assertEquals(1, o.getForkCount().get());
        assertTrue(BENCH.matches(".*" + o.getIncludes().getFirst().substring(1)));
        assertTrue(Pairs.jmhOptions(List.of(info), main).isEmpty());
        assertTrue(Pairs.jmhOptions(List.of(n8), main).orElseThrow().build().getProfilers().stream()
                .anyMatch(p -> p.getKlass().endsWith("FiguresProfiler")));
    }

    @Test
    void severalReferencesAsOneKeepTheFiguresOfThePartsThatWork() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        ReferenceContext context = new ReferenceContext(java.nio.file.Path.of("."), java.nio.file.Path.of("."), List.of(),
                new java.io.PrintStream(bytes, true));
        Outside one = new Outside(SPEC, new Reference("loop", "one round", 100, List.of()));
        OutsideReference all = References.all("x", c -> List.of(one), c -> { throw new IllegalStateException("broken"); }, c -> List.of(one));
        assertEquals(List.of(one, one), all.measure(context));
        assertTrue(bytes.toString().contains("broken"));
    }
}
