package io.contextlab.lab.references;

import io.contextlab.lab.references.CrossCheck.Measured;
import io.contextlab.lab.references.CrossCheck.Outside;
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

/** The one join and the one verdict rule, on synthetic figures (no program, no benchmark run). */
class CrossCheckTest {
    private static final String BENCH = "io.contextlab.x.Loops.call";
    private static final Reference REF = new Reference("loop 1000", "median of 3 rounds", 100.0, List.of(99.0, 100.0, 101.0));

    private static Spec spec(Double tolerance) {
        return new Spec("a call", BENCH, Map.of(), CrossCheck.PRIMARY, "ns/op", tolerance);
    }

    private static Optional<Measured> measured(double nsPerOp) {
        return Optional.of(new Measured(BENCH, Map.of(), Map.of(CrossCheck.PRIMARY, new Score(nsPerOp, "ns/op"))));
    }

    private static CrossCheck judged(Spec spec, Optional<Measured> m) {
        CrossCheck c = CrossCheck.judge("x", spec, REF, m);
        SchemaCheck.assertValid("crosscheck.v1", Json.toJson(c));
        return c;
    }

    @Test
    void exactlyAtTheToleranceAgreesOnBothSides() {
        assertEquals("agrees", judged(spec(0.15), measured(115)).verdict());
        assertEquals("agrees", judged(spec(0.15), measured(85)).verdict());
    }

    @Test
    void justOutsideTheToleranceDiffers() {
        assertEquals("differs", judged(spec(0.15), measured(115.01)).verdict());
        assertEquals("differs", judged(spec(0.15), measured(84.99)).verdict());
    }

    @Test
    void ratioIsMeasuredOverReference() {
        CrossCheck c = judged(spec(0.15), measured(110));
        assertEquals(1.1, c.ratio(), 1e-12);
        assertEquals(110.0, c.measured());
        assertEquals(CrossCheck.FORMAT, c.format());
        assertEquals(1, c.pairs());
        assertNull(c.ratioCi());
    }

    @Test
    void aNullToleranceIsInfoWithItsRatio() {
        CrossCheck c = judged(spec(null), measured(300));
        assertEquals("info", c.verdict());
        assertEquals(3.0, c.ratio(), 1e-12);
    }

    @Test
    void noJmhFigureIsNotMeasured() {
        CrossCheck c = judged(spec(0.15), Optional.empty());
        assertEquals("not-measured", c.verdict());
        assertNull(c.measured());
        assertNull(c.ratio());
        assertEquals("not-measured", judged(spec(null), Optional.empty()).verdict());
        assertEquals("not-measured", judged(spec(0.15), measured(Double.NaN)).verdict());
    }

    @Test
    void noBenchmarkIsInfo() {
        Spec alone = new Spec("outside only", null, Map.of(), CrossCheck.PRIMARY, "ns/op", null);
        assertEquals("info", judged(alone, Optional.empty()).verdict());
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
    void joinReadsARunResultsPrimaryOrNamedSecondaryMetric() {
        RunResult r = runResult(BENCH, Map.of("n", "8"), 230.0, "\u00b7syscallsPerOp", 0.125);
        Spec primary = new Spec("p", BENCH, Map.of("n", "8"), CrossCheck.PRIMARY, "ns/op", 0.15);
        CrossCheck p = CrossCheck.join("x", new Outside(primary, new Reference("loop", "m", 200.0, List.of())), List.of(r));
        assertEquals(230.0, p.measured(), 1e-9);
        assertEquals("agrees", p.verdict());
        assertEquals(Map.of("n", "8"), p.params());
        SchemaCheck.assertValid("crosscheck.v1", Json.toJson(p));

        Spec secondary = new Spec("s", BENCH, Map.of("n", "8"), "syscallsPerOp", "syscalls/op", 0.15);
        CrossCheck s = CrossCheck.join("x", new Outside(secondary, new Reference("loop", "m", 1.0, List.of())), List.of(r));
        assertEquals(0.125, s.measured(), 1e-12);
        assertEquals("differs", s.verdict());

        Spec absent = new Spec("a", BENCH, Map.of("n", "64"), CrossCheck.PRIMARY, "ns/op", 0.15);
        CrossCheck a = CrossCheck.join("x", new Outside(absent, REF), List.of(r));
        assertEquals("not-measured", a.verdict());
        assertEquals(Map.of("n", "64"), a.params());
        SchemaCheck.assertValid("crosscheck.v1", Json.toJson(a));
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
