package io.contextlab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contextlab.platform.SchemaCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.AverageTimeResult;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.IterationResultMetaData;
import org.openjdk.jmh.results.ResultRole;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.WorkloadParams;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * A benchmark that throws leaves its suite "partial" (or "failed" when nothing was measured), the
 * failed benchmarks named; the metadata schema takes it and the summary says so. The calls are
 * the ones JMH's Runner makes on its OutputFormat (start, end only on success, "<failure>").
 */
class FailureWatchTest {
    private static final IterationParams IT = new IterationParams(IterationType.MEASUREMENT, 1, TimeValue.seconds(1), 1);

    private static BenchmarkParams params(String benchmark, Map<String, String> params) {
        WorkloadParams wp = new WorkloadParams();
        params.forEach((k, v) -> wp.put(k, v, 0));
        return new BenchmarkParams(benchmark, benchmark + "_jmhTest", false, 1, new int[] {1}, List.of(),
                1, 0, IT, IT, Mode.AverageTime, wp, TimeUnit.NANOSECONDS, 1, "java", List.of(), "25", "vm", "25", "1.37",
                TimeValue.minutes(1));
    }

    private static BenchmarkResult result(BenchmarkParams p) {
        IterationResult ir = new IterationResult(p, IT, new IterationResultMetaData(1, 1));
        ir.addResult(new AverageTimeResult(ResultRole.PRIMARY, "call", 1, 10, TimeUnit.NANOSECONDS));
        return new BenchmarkResult(p, List.of(ir));
    }

    private static FailureWatch watch(ByteArrayOutputStream console) {
        return new FailureWatch(OutputFormatFactory.createFormatInstance(
                new PrintStream(console, true, StandardCharsets.UTF_8), VerboseMode.NORMAL));
    }

    @Test
    void aBenchmarkThatStartedAndNeverEndedFailed() {
        FailureWatch w = watch(new ByteArrayOutputStream());
        BenchmarkParams ok = params("io.contextlab.switches.Calls.directCall", Map.of());
        BenchmarkParams bad = params("io.contextlab.stacks.SpawnCosts.vforkWait", Map.of("placement", "oneCpu"));
        BenchmarkParams last = params("io.contextlab.stacks.SpawnCosts.forkWait", Map.of("placement", "free"));
        w.startRun();
        w.startBenchmark(ok);
        w.endBenchmark(result(ok));
        w.startBenchmark(bad);          // the fork threw: JMH prints <failure>, never ends it
        w.println("<failure>");
        w.startBenchmark(last);          // and goes on
        w.endBenchmark(result(last));
        w.endRun(List.of());
        assertEquals(List.of("stacks.SpawnCosts.vforkWait (placement=oneCpu)"), w.failed());
    }

    @Test
    void theLastBenchmarkFailingIsSeenAtTheEndOfTheRun() {
        FailureWatch w = watch(new ByteArrayOutputStream());
        BenchmarkParams bad = params("io.contextlab.switches.Calls.directCall", Map.of());
        w.startRun();
        w.startBenchmark(bad);
        assertEquals(List.of("switches.Calls.directCall"), w.failed(), "started and not ended: failed so far");
        w.endRun(List.of());
        assertEquals(List.of("switches.Calls.directCall"), w.failed());
    }

    @Test
    void theConsoleIsPassedThrough() {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        FailureWatch w = watch(console);
        w.println("<failure>");
        w.println("a line");
        assertTrue(console.toString(StandardCharsets.UTF_8).contains("a line"));
        assertEquals(List.of(), w.failed(), "a <failure> outside any benchmark names none");
    }

    @Test
    void aSuiteWithAFailedBenchmarkIsPartialAndValidates() {
        RunMetadata.SuiteStatus s = RunMetadata.SuiteStatus.ofJmh(null,
                List.of("stacks.SpawnCosts.vforkWait (placement=oneCpu)"), 11, RunMetadata.now(), RunMetadata.now());
        assertEquals("partial", s.status());
        assertEquals("1 benchmark failed (see log): stacks.SpawnCosts.vforkWait (placement=oneCpu)", s.reason());
        assertEquals(11, s.benchmarks());
        RunMetadata m = new RunMetadata("r", "quick", "scripts/lab run", new RunMetadata.Git(null, null), Map.of(),
                List.of(), new RunMetadata.Jmh("1.37", List.of(), List.of()));
        m.suite("stacks", s);
        m.finish("complete", 11);
        SchemaCheck.assertValid("metadata.v2", m.toJson());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Summary.printFates(m.suites(), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals("stacks: partial - 1 benchmark failed (see log): stacks.SpawnCosts.vforkWait (placement=oneCpu)",
                out.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void everyBenchmarkFailedIsAFailedSuite() {
        RunMetadata.SuiteStatus s = RunMetadata.SuiteStatus.ofJmh(null, List.of("a.B.c", "a.B.d"), 0, "x", "y");
        assertEquals("failed", s.status());
        assertEquals("2 benchmarks failed (see log): a.B.c; a.B.d", s.reason());
        assertNull(s.benchmarks());
    }

    @Test
    void noFailureIsMeasuredAndJmhNotRunningIsFailed() {
        assertEquals("measured", RunMetadata.SuiteStatus.ofJmh(null, List.of(), 3, "x", "y").status());
        assertNull(RunMetadata.SuiteStatus.ofJmh(null, List.of(), 3, "x", "y").reason());
        RunMetadata.SuiteStatus f = RunMetadata.SuiteStatus.ofJmh("JMH measured nothing (see log)", List.of(), 0, "x", "y");
        assertEquals("failed", f.status());
        assertEquals("JMH measured nothing (see log)", f.reason());
        assertEquals("JMH measured nothing (see log); 1 benchmark failed (see log): a.B.c",
                RunMetadata.SuiteStatus.ofJmh("JMH measured nothing (see log)", List.of("a.B.c"), 0, "x", "y").reason());
    }
}
