package io.contextlab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.contextlab.platform.JvmFlags;
import io.contextlab.platform.SchemaCheck;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.AverageTimeResult;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.IterationResultMetaData;
import org.openjdk.jmh.results.ResultRole;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.WorkloadParams;
import org.openjdk.jmh.runner.options.TimeValue;
import org.junit.jupiter.api.Test;

/** The perturbation step's rounds: the orders drawn from the seed, the interleaving, the merge of each side's forks. */
class PerturbationTest {
    private static final String GETPPID = "io.contextlab.syscalls.SyscallLoops.getppid";
    private static final String HANDOFF = "io.contextlab.sched.WaitBehindTimeSlices.handoff";

    @Test
    void theSameSeedDrawsTheSameOrdersAndEachRoundRunsEverySideOnce() {
        List<List<String>> a = Perturbation.orders(42, 6, 6);
        assertEquals(a, Perturbation.orders(42, 6, 6));
        assertEquals(6, a.size());
        for (List<String> round : a) {
            assertEquals(Set.copyOf(Perturbation.SIDES), Set.copyOf(round));
            assertEquals(3, round.size());
        }
        Set<List<String>> seen = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) seen.addAll(Perturbation.orders(seed, 6, 6));
        assertEquals(6, seen.size(), "over seeds every one of the 3! orders is drawn");
        assertTrue(Perturbation.DETAIL_ROUNDS >= 1 && Perturbation.DETAIL_ROUNDS <= Perturbation.ROUNDS);
        assertTrue(Perturbation.ROUNDS >= 5, "a median over rounds needs at least 5");
        assertNotEquals(Perturbation.orders(1, 6, 6), Perturbation.orders(2, 6, 6));
    }

    @Test
    void theDetailTierRunsInTheFirstRoundsOnlyWhenGivenFewer() {
        List<List<String>> orders = Perturbation.orders(7, 6, 4);
        for (int i = 0; i < 6; i++) {
            assertEquals(i < 4, orders.get(i).contains(Perturbation.DETAIL), "round " + (i + 1));
            assertTrue(orders.get(i).containsAll(List.of(Perturbation.UNTRACED, Perturbation.CONTEXT)));
        }
    }

    @Test
    void eachSideGetsOneForkAndItsTier() {
        String step = "-f 3 -wi 1 -w 200ms -i 2 -r 200ms -p background=0";
        assertTrue(Perturbation.args(Perturbation.UNTRACED, step).startsWith("-f 1 "));
        assertTrue(!Perturbation.args(Perturbation.UNTRACED, step).contains("-prof"));
        String context = Perturbation.args(Perturbation.CONTEXT, step);
        String detail = Perturbation.args(Perturbation.DETAIL, step);
        if (!context.equals(Perturbation.args(Perturbation.UNTRACED, step))) {   // tracing possible here
            assertTrue(context.endsWith("EbpfProfiler:context"), context);
            assertTrue(detail.endsWith("EbpfProfiler"), detail);
        }
    }

    @Test
    void theRoundsRunInTheirOrderAndAFailedSideLeavesOnlyItsRound() {
        List<List<String>> orders = Perturbation.orders(3, 4, 4);
        List<String> ran = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        var bySide = Perturbation.interleave(orders, (side, round) -> {
            ran.add(round + ":" + side);
            if (round == 2 && side.equals(Perturbation.CONTEXT)) throw new IllegalStateException("no BPF");
            return List.of(result(GETPPID, Map.of(), 100 * round + Perturbation.SIDES.indexOf(side)));
        }, failures::add);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < orders.size(); i++) for (String s : orders.get(i)) expected.add((i + 1) + ":" + s);
        assertEquals(expected, ran);
        assertEquals(1, failures.size());
        assertTrue(failures.getFirst().contains("round 2") && failures.getFirst().contains(Perturbation.CONTEXT), failures.getFirst());
        assertEquals(List.of(1, 3, 4), List.copyOf(bySide.get(Perturbation.CONTEXT).keySet()));
        assertEquals(List.of(1, 2, 3, 4), List.copyOf(bySide.get(Perturbation.UNTRACED).keySet()));
        List<Perturbation.Merged> context = Perturbation.merge(bySide.get(Perturbation.CONTEXT));
        assertEquals(List.of(1, 3, 4), context.getFirst().rounds());
    }

    @Test
    void aSidesRoundsMergeIntoOneResultPerBenchmarkWithForksInRoundOrder() {
        Map<Integer, Collection<RunResult>> byRound = new LinkedHashMap<>();
        // given out of order: the merge follows the round numbers
        byRound.put(3, List.of(result(HANDOFF, Map.of("background", "0"), 303), result(GETPPID, Map.of(), 103)));
        byRound.put(1, List.of(result(GETPPID, Map.of(), 101), result(HANDOFF, Map.of("background", "0"), 301)));
        byRound.put(2, List.of(result(GETPPID, Map.of(), 102), result(HANDOFF, Map.of("background", "16"), 316)));
        List<Perturbation.Merged> merged = Perturbation.merge(byRound);
        assertEquals(3, merged.size());
        Perturbation.Merged getppid = merged.getFirst();
        assertEquals(GETPPID, getppid.result().getParams().getBenchmark());
        assertEquals(List.of(1, 2, 3), getppid.rounds());
        assertEquals(3, getppid.result().getParams().getForks());
        assertEquals(List.of(101.0, 102.0, 103.0), scores(getppid.result()));
        Perturbation.Merged handoff0 = merged.get(1);
        assertEquals("0", handoff0.result().getParams().getParam("background"));
        assertEquals(List.of(1, 3), handoff0.rounds());
        assertEquals(List.of(301.0, 303.0), scores(handoff0.result()));
        assertEquals(List.of(2), merged.get(2).rounds());

        JsonArray json = Perturbation.json(merged);
        assertEquals(3, json.size());
        JsonObject first = json.get(0).getAsJsonObject();
        assertEquals(GETPPID, first.get("benchmark").getAsString());
        assertEquals(3, first.get("forks").getAsInt());
        JsonArray raw = first.getAsJsonObject("primaryMetric").getAsJsonArray("rawData");
        assertEquals(3, raw.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(101.0 + i, raw.get(i).getAsJsonArray().get(0).getAsDouble(), 1e-9);
            assertEquals(i + 1, first.getAsJsonArray(Perturbation.ROUNDS_KEY).get(i).getAsInt());
        }
        assertEquals("0", json.get(1).getAsJsonObject().getAsJsonObject("params").get("background").getAsString());
    }

    @Test
    void theSeedAndOrdersValidateInTheMetadata() {
        RunMetadata m = new RunMetadata("r", "quick", "scripts/lab run", new RunMetadata.Git(null, null), Map.of(), List.of(),
                new RunMetadata.Jmh("1.37", JvmFlags.ALL, List.of()));
        SchemaCheck.assertValid("metadata.v2", m.toJson());
        m.perturbation(new RunMetadata.Perturbation(-1234567890123L, Perturbation.orders(5, 6, 6)));
        SchemaCheck.assertValid("metadata.v2", m.toJson());
        m.perturbation(new RunMetadata.Perturbation(1, List.of(List.of("ebpf-untraced", "ebpf-tracde"))));
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> SchemaCheck.assertValid("metadata.v2", m.toJson()));
    }

    @Test
    void theAlternatingForkDoublesTheIterationsAndAsksTheContextTierForEveryOther() {
        String step = "-f 1 -wi 1 -w 200ms -i 2 -r 200ms -p background=0";
        String traced = Perturbation.alternatingArgs(step, Perturbation.CONTEXT);
        String untraced = Perturbation.alternatingArgs(step, Perturbation.UNTRACED);
        if (io.contextlab.tracing.probes.TracingSupport.unavailableReason() == null) {
            assertTrue(traced.endsWith(":context;alternate=traced-first"), traced);
            assertTrue(untraced.endsWith(":context;alternate=untraced-first"), untraced);
        }
        assertTrue(traced.contains("-i 4"), traced);
        assertTrue(traced.contains("-f 1") && traced.contains("-p background=0"), traced);
    }

    @Test
    void underSmokeTheAlternatingForkKeepsOneIterationPerSide() throws Exception {
        // lab run --full --smoke's perturbation step once measured nothing on its traced side:
        // the smoke settings' single iteration had replaced the alternating fork's two
        String step = "-f 1 -wi 1 -w 200ms -i 2 -r 200ms";
        assertEquals(2, Perturbation.options(Perturbation.alternatingArgs(step, Perturbation.UNTRACED), true, true).build()
                .getMeasurementIterations().get());
        assertEquals(1, Perturbation.options(step, true, false).build().getMeasurementIterations().get(), "the detail side: one");
        assertEquals(4, Perturbation.options(Perturbation.alternatingArgs(step, Perturbation.UNTRACED), false, true).build()
                .getMeasurementIterations().get(), "not smoke: the step's own count, doubled");
    }

    @Test
    void anAlternatingForkSplitsIntoItsUntracedAndTracedIterations() {
        // one fork of four iterations, traced second and fourth, of 100, 104, 102, 106 ns
        RunResult r = result(GETPPID, Map.of(), 100);
        BenchmarkParams bp = r.getParams();
        IterationParams it = new IterationParams(IterationType.MEASUREMENT, 4, TimeValue.milliseconds(200), 1);
        List<IterationResult> iterations = new ArrayList<>();
        double[] ns = {100, 104, 102, 106};
        for (int i = 0; i < 4; i++) {
            IterationResult ir = new IterationResult(bp, it, new IterationResultMetaData(1, 1));
            ir.addResult(new AverageTimeResult(ResultRole.PRIMARY, "op", 1, (long) ns[i], TimeUnit.NANOSECONDS));
            ir.addResult(new org.openjdk.jmh.results.ScalarResult(Perturbation.TRACED, i % 2, "bool",
                    org.openjdk.jmh.results.AggregationPolicy.AVG));
            iterations.add(ir);
        }
        var sides = Perturbation.split(List.of(new RunResult(bp, List.of(new BenchmarkResult(bp, iterations)))));
        RunResult untraced = sides.get(Perturbation.UNTRACED).iterator().next();
        RunResult traced = sides.get(Perturbation.CONTEXT).iterator().next();
        assertEquals(List.of(101.0), scores(untraced));
        assertEquals(List.of(105.0), scores(traced));
        assertEquals(2, traced.getParams().getMeasurement().getCount(), "each side says how many iterations it holds");
        // a fork the profiler never traced gives the context side nothing
        var none = Perturbation.split(List.of(result(GETPPID, Map.of(), 100)));
        assertTrue(none.get(Perturbation.CONTEXT).isEmpty());
        assertEquals(1, none.get(Perturbation.UNTRACED).size());
    }

    private static List<Double> scores(RunResult r) {
        return r.getBenchmarkResults().stream().map(b -> b.getPrimaryResult().getScore()).toList();
    }

    /** One fork of one iteration of one op taking {@code ns}. */
    static RunResult result(String benchmark, Map<String, String> params, double ns) {
        WorkloadParams wp = new WorkloadParams();
        params.forEach((k, v) -> wp.put(k, v, 0));
        IterationParams it = new IterationParams(IterationType.MEASUREMENT, 1, TimeValue.milliseconds(200), 1);
        BenchmarkParams bp = new BenchmarkParams(benchmark, benchmark + "_jmhTest", false, 1, new int[] {1}, List.of(),
                1, 0, it, it, Mode.AverageTime, wp, TimeUnit.NANOSECONDS, 1, "java", List.of(), "25", "vm", "25", "1.37",
                TimeValue.minutes(1));
        IterationResult ir = new IterationResult(bp, it, new IterationResultMetaData(1, 1));
        ir.addResult(new AverageTimeResult(ResultRole.PRIMARY, "op", 1, (long) ns, TimeUnit.NANOSECONDS));
        return new RunResult(bp, List.of(new BenchmarkResult(bp, List.of(ir))));
    }
}
