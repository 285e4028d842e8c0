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
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.Options;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pairs on synthetic sides (invented figures, no program and no JMH run): orders, verdicts, targets, the JMH options. */
class PairsTest {
    private static final String BENCH = "io.contextlab.x.Loops.call";
    private static final Spec SPEC = new Spec("a call", BENCH, Map.of(), CrossCheck.PRIMARY, "ns/op", CrossCheck.TOLERANCE);

    /** A fork's k iterations as PairedProbes leaves them: the JMH figure and the reference's, both invented. */
    private static Pairs.Forks fork(int k, DoubleSupplier ref, DoubleSupplier jmh) {
        List<Pairs.Iteration> iterations = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            Map<String, Score> metrics = new LinkedHashMap<>();
            metrics.put(CrossCheck.PRIMARY, new Score(jmh.getAsDouble(), "ns/op"));
            metrics.put(PairedProbes.LABEL + SPEC.check(), new Score(ref.getAsDouble(), "ns/op"));
            iterations.add(new Pairs.Iteration(metrics));
        }
        return new Pairs.Forks(Map.of(), BENCH, List.of(iterations));
    }

    private static Map<String, List<Outside>> learned() {
        return Map.of("loop", List.of(new Outside(SPEC, new Reference("loop", "one round", 100, List.of()))));
    }

    private static CrossCheck judged(long seed, Pairs.Forks fork) {
        CrossCheck c = Pairs.judge("x", seed, learned(), List.of(fork)).getFirst();
        SchemaCheck.assertValid("crosscheck.v2", Json.toJson(c));
        return c;
    }

    private static DoubleSupplier around(Random random, double centre, double relativeNoise) {
        return () -> centre * (1 + relativeNoise * (2 * random.nextDouble() - 1));
    }

    @Test
    void theSameDistributionOnBothSidesAgrees() {
        Random random = new Random(1);
        CrossCheck c = judged(11, fork(20, around(random, 200, 0.02), around(random, 200, 0.02)));
        assertEquals("agrees", c.verdict());
        assertEquals(20, c.pairs());
    }

    @Test
    void aTwofoldShiftDiffers() {
        Random random = new Random(2);
        CrossCheck c = judged(12, fork(20, around(random, 200, 0.02), around(random, 400, 0.02)));
        assertEquals("differs", c.verdict());
        assertTrue(c.ratioCi().get(0) > 1 + CrossCheck.TOLERANCE);
    }

    @Test
    void aHugeSpreadOnBothSidesIsDrifting() {
        Random random = new Random(3);
        CrossCheck c = judged(13, fork(5, around(random, 200, 0.8), around(random, 200, 0.8)));
        assertEquals("drifting", c.verdict());
        assertTrue(c.spread().measured() > CrossCheck.TOLERANCE && c.spread().reference() > CrossCheck.TOLERANCE);
    }

    @Test
    void eachIterationsOrderIsDrawnFromTheSeedRecorded() {
        long seed = 20261202;
        List<String> orders = Pairs.orders(seed, 12);
        assertEquals(orders, Pairs.orders(seed, 12));
        assertEquals(orders.subList(0, 5), Pairs.orders(seed, 5), "a fork asks one iteration at a time: a prefix of the same draw");
        assertTrue(orders.contains(Pairs.JMH_FIRST) && orders.contains(Pairs.REFERENCE_FIRST));
        CrossCheck c = judged(seed, fork(12, () -> 100, () -> 100));
        assertEquals(seed, c.seed());
        assertEquals(orders, c.pairValues().stream().map(CrossCheck.Pair::order).toList());
    }

    @Test
    void anIterationWithoutAReferenceFigureLosesOnlyItsPair() {
        Pairs.Forks full = fork(5, () -> 100, () -> 100);
        List<Pairs.Iteration> iterations = new ArrayList<>(full.forks().getFirst());
        iterations.set(2, new Pairs.Iteration(Map.of(CrossCheck.PRIMARY, new Score(100, "ns/op"))));
        CrossCheck c = judged(5, new Pairs.Forks(Map.of(), BENCH, List.of(iterations)));
        assertEquals(4, c.pairs());
        assertEquals(5, c.pairValues().size(), "the pair is recorded, its reference null");
    }

    @Test
    void aCheckWhoseResultIsMissingIsNotMeasured() {
        CrossCheck c = Pairs.judge("x", 1, learned(), List.of()).getFirst();
        assertEquals("not-measured", c.verdict());
        assertEquals(0, c.pairs());
        SchemaCheck.assertValid("crosscheck.v2", Json.toJson(c));
    }

    @Test
    void eachProbesTargetsAreTheBenchmarksAndParamsOfItsChecks() {
        Spec n8 = new Spec("n=8", BENCH, Map.of("n", "8"), CrossCheck.PRIMARY, "ns/op", 0.1);
        Spec info = new Spec("outside only", null, Map.of(), CrossCheck.PRIMARY, "ns/op", null);
        Reference r = new Reference("loop", "one round", 1, List.of());
        Map<String, List<Outside>> learned = new LinkedHashMap<>();
        learned.put("loop 8", List.of(new Outside(n8, r), new Outside(info, r)));
        learned.put("broken", List.of());
        Collection<Measured> main = List.of(new Measured(BENCH, Map.of("n", "8", "sqpoll", "false"), Map.of()));
        Map<String, List<PairedProbes.Target>> targets = Pairs.targets(learned, main);
        assertEquals(List.of(new PairedProbes.Target(BENCH, Map.of("n", "8", "sqpoll", "false"))), targets.get("loop 8"));
        assertEquals(List.of(), targets.get("broken"));
        assertTrue(targets.get("loop 8").getFirst().matches(BENCH, Map.of("n", "8", "sqpoll", "false")::get));
        assertTrue(!targets.get("loop 8").getFirst().matches(BENCH, Map.of("n", "64", "sqpoll", "false")::get));
    }

    @Test
    void theJmhOptionsIncludeEachBenchmarkTheParamsOfItsComparedResultsAndKIterations() throws Exception {
        Spec n8 = new Spec("n=8", BENCH, Map.of("n", "8"), CrossCheck.PRIMARY, "ns/op", 0.1);
        Spec n64 = new Spec("n=64", BENCH, Map.of("n", "64"), CrossCheck.PRIMARY, "ns/op", 0.1);
        Spec other = new Spec("other", "io.contextlab.x.Other.run", Map.of("mode", "free"), "rssBytesPerThread", "B/thread", 0.1);
        Spec info = new Spec("outside only", null, Map.of(), CrossCheck.PRIMARY, "ns/op", null);
        // the main run found n=8 with its other param; n=64 it did not run: the Spec's own params
        Collection<Measured> main = List.of(new Measured(BENCH, Map.of("n", "8", "sqpoll", "false"), Map.of()));
        List<String> args = Pairs.jmhArguments(List.of(n8, n64, other, info), main, 7);
        Options o = new CommandLineOptions(args.toArray(String[]::new));
        assertEquals(List.of("^io\\.contextlab\\.x\\.Loops\\.call$", "^io\\.contextlab\\.x\\.Other\\.run$"), o.getIncludes());
        assertEquals(List.of("64", "8"), List.copyOf(o.getParameter("n").get()));
        assertEquals(List.of("false"), List.copyOf(o.getParameter("sqpoll").get()));
        assertEquals(List.of("free"), List.copyOf(o.getParameter("mode").get()));
        assertEquals(1, o.getForkCount().get());
        assertEquals(7, o.getMeasurementIterations().get());
        assertEquals(TimeValue.milliseconds(Pairs.MIN_ITERATION_MS), o.getMeasurementTime().get(), "no score: the shortest iteration");
        Path plan = Path.of("plan.json");
        assertTrue(Pairs.jmhOptions(List.of(info), main, 7, plan).isEmpty());
        var profilers = Pairs.jmhOptions(List.of(n8), main, 7, plan).orElseThrow().build().getProfilers();
        assertTrue(profilers.stream().anyMatch(p -> p.getKlass().endsWith("FiguresProfiler")));
        assertTrue(profilers.stream().anyMatch(p -> p.getKlass().equals(PairedProbes.class.getName())
                && p.getOpts().equals("plan=" + plan.toAbsolutePath())));
    }

    @Test
    void anIterationHoldsEnoughOfTheDearestComparedOperation() {
        Spec cheap = new Spec("cheap", BENCH, Map.of("n", "8"), CrossCheck.PRIMARY, "ns/op", 0.1);
        Spec dear = new Spec("dear", BENCH, Map.of("n", "64"), CrossCheck.PRIMARY, "ns/op", 0.1);
        Collection<Measured> main = List.of(
                new Measured(BENCH, Map.of("n", "8"), Map.of(CrossCheck.PRIMARY, new Score(40, "ns/op"))),
                new Measured(BENCH, Map.of("n", "64"), Map.of(CrossCheck.PRIMARY, new Score(3.0, "ms/op"))));
        assertEquals(Pairs.MIN_ITERATION_MS, Pairs.iterationMillis(List.of(cheap), main), "cheap operations: the shortest iteration");
        assertEquals((long) (3.0 * Pairs.MIN_OPS_PER_ITERATION), Pairs.iterationMillis(List.of(cheap, dear), main),
                "the dearest compared result sets it");
        Collection<Measured> throughput = List.of(new Measured(BENCH, Map.of("n", "64"), Map.of(CrossCheck.PRIMARY, new Score(3.0, "ops/s"))));
        assertEquals(Pairs.MIN_ITERATION_MS, Pairs.iterationMillis(List.of(dear), throughput), "not a time per operation: the minimum");
    }

    @Test
    void aProbeThatFailsLosesOnlyItsOwnFigures() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ReferenceContext context = new ReferenceContext(Path.of("."), Path.of("."), List.of(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        Outside one = new Outside(SPEC, new Reference("loop", "one round", 100, List.of()));
        OutsideReference reference = () -> List.of(
                new OutsideReference.Probe("first", c -> List.of(one)),
                new OutsideReference.Probe("broken", c -> { throw new IllegalStateException("broken"); }),
                new OutsideReference.Probe("last", c -> List.of(one)));
        assertEquals(List.of(one, one), reference.measure(context));
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("probe broken reference: failed (java.lang.IllegalStateException: broken)"),
                bytes.toString(StandardCharsets.UTF_8));
        Map<String, List<Outside>> learned = Pairs.learn(reference, context);
        assertEquals(List.of(), learned.get("broken"));
        // in a fork of BENCH, only the probes with a target there run
        Map<String, List<PairedProbes.Target>> targets = Map.of("first", List.of(new PairedProbes.Target(BENCH, Map.of())));
        assertEquals(List.of(one), PairedProbes.round(reference, targets, BENCH, p -> null, context, null));
        assertEquals(List.of(), PairedProbes.round(reference, targets, "io.contextlab.x.Other.run", p -> null, context, null));
        assertEquals(Map.of(PairedProbes.LABEL + "a call", new Score(100, "ns/op")), PairedProbes.figures(List.of(one), BENCH, p -> null));
    }
}
