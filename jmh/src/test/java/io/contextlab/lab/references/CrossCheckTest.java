package io.contextlab.lab.references;

import io.contextlab.lab.references.CrossCheck.Measured;
import io.contextlab.lab.references.CrossCheck.Reference;
import io.contextlab.lab.references.CrossCheck.Score;
import io.contextlab.lab.references.CrossCheck.Spec;
import io.contextlab.platform.Json;
import io.contextlab.platform.SchemaCheck;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.AverageTimeResult;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.IterationResultMetaData;
import org.openjdk.jmh.results.ResultRole;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.ScalarResult;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.WorkloadParams;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one verdict rule over pairs and the figure a JMH result gives, on synthetic figures (no program, no benchmark run). */
class CrossCheckTest {
    private static final String BENCH = "io.contextlab.x.Loops.call";
    private static final Reference REF = new Reference("loop 1000", "median of 3 rounds", 100.0, List.of(99.0, 100.0, 101.0));

    private static Spec spec(Double tolerance) {
        return new Spec("a call", BENCH, Map.of(), CrossCheck.PRIMARY, "ns/op", tolerance);
    }

    /** A check from pairs of (JMH, reference) figures, valid in its schema. */
    private static CrossCheck judged(Spec spec, double[][] pairs) {
        List<CrossCheck.Pair> list = new java.util.ArrayList<>();
        for (double[] p : pairs) {
            Double m = Double.isNaN(p[0]) ? null : p[0], r = Double.isNaN(p[1]) ? null : p[1];
            list.add(new CrossCheck.Pair(Pairs.JMH_FIRST, m, r, CrossCheck.ratio(m, r)));
        }
        CrossCheck c = CrossCheck.of("x", spec, REF, spec.params(), 42, list);
        SchemaCheck.assertValid("crosscheck.v2", Json.toJson(c));
        return c;
    }

    private static double[][] steady(double jmh, double ref, int k) {
        double[][] p = new double[k][];
        for (int i = 0; i < k; i++) p[i] = new double[] {jmh, ref};
        return p;
    }

    @Test
    void steadyPairsExactlyAtTheToleranceAgreeOnBothSides() {
        assertEquals("agrees", judged(spec(0.1), steady(110, 100, 5)).verdict());
        assertEquals("agrees", judged(spec(0.1), steady(90, 100, 5)).verdict());
    }

    @Test
    void steadyPairsJustOutsideTheToleranceDiffer() {
        assertEquals("differs", judged(spec(0.1), steady(110.01, 100, 5)).verdict());
        assertEquals("differs", judged(spec(0.1), steady(89.99, 100, 5)).verdict());
    }

    @Test
    void ratioIsTheMedianOfEachPairsMeasuredOverReference() {
        CrossCheck c = judged(spec(0.1), new double[][] {{110, 100}, {200, 100}, {90, 100}, {105, 100}, {330, 300}});
        assertEquals(1.1, c.ratio(), 1e-12);
        assertEquals(5, c.pairs());
        assertEquals(CrossCheck.FORMAT, c.format());
        assertEquals(2, c.ratioCi().size());
        assertTrue(c.ratioCi().get(0) <= c.ratio() && c.ratio() <= c.ratioCi().get(1));
        assertEquals(100.0, c.reference().value());
        assertEquals(List.of(100.0, 100.0, 100.0, 100.0, 300.0), c.reference().samples());
        assertEquals(5, c.pairValues().size());
    }

    @Test
    void aNullToleranceIsInfoWithItsRatio() {
        CrossCheck c = judged(spec(null), steady(300, 100, 5));
        assertEquals("info", c.verdict());
        assertEquals(3.0, c.ratio(), 1e-12);
    }

    @Test
    void anInfoCheckCarriesItsSpecsNoteAndAJudgedOneNone() {
        Spec info = new Spec("a call", BENCH, Map.of(), CrossCheck.PRIMARY, "ns/op", null, "meant to differ");
        CrossCheck c = judged(info, steady(300, 100, 5));
        assertEquals("info", c.verdict());
        assertEquals("meant to differ", c.note());
        assertTrue(Json.toJson(c).contains("\"note\":\"meant to differ\""));
        assertNull(judged(spec(0.1), steady(100, 100, 5)).note());
    }

    @Test
    void noJmhFigureInAnyPairIsNotMeasured() {
        CrossCheck c = judged(spec(0.1), steady(Double.NaN, 100, 5));
        assertEquals("not-measured", c.verdict());
        assertNull(c.measured());
        assertNull(c.ratio());
        assertNull(c.ratioCi());
        assertEquals(0, c.pairs());
    }

    @Test
    void aPairMissingOneSideIsRecordedButNotCounted() {
        CrossCheck c = judged(spec(0.1), new double[][] {{100, 100}, {Double.NaN, 100}, {100, Double.NaN}, {100, 100}, {100, 100}});
        assertEquals(3, c.pairs());
        assertEquals(5, c.pairValues().size());
        assertNull(c.pairValues().get(1).ratio());
    }

    @Test
    void noBenchmarkIsInfo() {
        Spec alone = new Spec("outside only", null, Map.of(), CrossCheck.PRIMARY, "ns/op", null);
        assertEquals("info", judged(alone, steady(Double.NaN, 100, 5)).verdict());
    }

    @Test
    void timeUnitsConvertAndOtherUnitsMustMatch() {
        Spec s = spec(0.15);
        assertEquals(1500.0, CrossCheck.inUnit(new Score(1.5, "us/op"), "ns/op", s), 1e-9);
        assertEquals(2.0, CrossCheck.inUnit(new Score(2.0, "B/thread"), "B/thread", s));
        assertThrows(IllegalArgumentException.class, () -> CrossCheck.inUnit(new Score(1, "ops/s"), "ns/op", s));
        assertThrows(IllegalArgumentException.class, () -> CrossCheck.inUnit(new Score(1, "B/thread"), "faults/thread", s));
    }

    @Test
    void aCheckNamingSomeParamsFindsTheResultHavingThem() {
        Measured free0 = new Measured(BENCH, Map.of("placement", "free", "mib", "0"), Map.of());
        Measured free1 = new Measured(BENCH, Map.of("placement", "free", "mib", "1"), Map.of());
        Measured exact = new Measured(BENCH, Map.of("placement", "free"), Map.of());
        Measured other = new Measured(BENCH + "2", Map.of("placement", "free"), Map.of());
        Spec s = new Spec("c", BENCH, Map.of("placement", "free"), CrossCheck.PRIMARY, "ns/op", 0.3);
        assertEquals(exact, CrossCheck.find(s, List.of(other, free0, exact)).orElseThrow());
        assertEquals(free0, CrossCheck.find(s, List.of(other, free0, free1)).orElseThrow());
        Spec one = new Spec("c", BENCH, Map.of("mib", "1"), CrossCheck.PRIMARY, "ns/op", 0.3);
        assertEquals(free1, CrossCheck.find(one, List.of(free0, free1)).orElseThrow());
        assertEquals(Optional.empty(), CrossCheck.find(s, List.of(other)));
    }

    @Test
    void aRunResultsPrimaryOrNamedSecondaryMetricIsTheFigure() {
        RunResult r = runResult(BENCH, Map.of("n", "8"), 230.0, "\u00b7syscallsPerOp", 0.125);
        List<Measured> results = List.of(CrossCheck.measured(r));
        Spec primary = new Spec("p", BENCH, Map.of("n", "8"), CrossCheck.PRIMARY, "ns/op", 0.1);
        assertEquals(230.0, CrossCheck.figure(primary, CrossCheck.find(primary, results)), 1e-9);
        Spec secondary = new Spec("s", BENCH, Map.of("n", "8"), "syscallsPerOp", "syscalls/op", 0.1);
        assertEquals(0.125, CrossCheck.figure(secondary, CrossCheck.find(secondary, results)), 1e-12);
        Spec absent = new Spec("a", BENCH, Map.of("n", "64"), CrossCheck.PRIMARY, "ns/op", 0.1);
        assertNull(CrossCheck.figure(absent, CrossCheck.find(absent, results)));
    }

    /** A RunResult as JMH's Runner returns it: one iteration of one op taking {@code ns}, one secondary scalar. */
    static RunResult runResult(String benchmark, Map<String, String> params, double ns, String secondary, double value) {
        WorkloadParams wp = new WorkloadParams();
        params.forEach((k, v) -> wp.put(k, v, 0));
        IterationParams it = new IterationParams(IterationType.MEASUREMENT, 1, TimeValue.seconds(1), 1);
        BenchmarkParams bp = new BenchmarkParams(benchmark, benchmark + "_jmhTest", false, 1, new int[] {1}, List.of(),
                1, 0, it, it, Mode.AverageTime, wp, TimeUnit.NANOSECONDS, 1, "java", List.of(), "25", "vm", "25", "1.37",
                TimeValue.minutes(1));
        IterationResult ir = new IterationResult(bp, it, new IterationResultMetaData(1, 1));
        ir.addResult(new AverageTimeResult(ResultRole.PRIMARY, "call", 1, (long) ns, TimeUnit.NANOSECONDS));
        ir.addResult(new ScalarResult(secondary, value, "syscalls/op",
                AggregationPolicy.AVG));
        return new RunResult(bp, List.of(new BenchmarkResult(bp, List.of(ir))));
    }
}
