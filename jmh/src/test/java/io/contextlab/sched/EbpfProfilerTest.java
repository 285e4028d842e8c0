package io.contextlab.sched;

import io.contextlab.tracing.EbpfProfiler;
import io.contextlab.tracing.probes.TracingSupport;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.Collection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * `-prof io.contextlab.tracing.EbpfProfiler` puts the scheduler metrics into JMH's results: the
 * getppid loop makes one syscall per op, and the profiler must say so. In-process (forks 0) to
 * keep the test short; the probes behave the same in a fork. Counts, never times.
 */
class EbpfProfilerTest {
    /** getppid traced in-process (forks 0, to keep the test short; the probes behave the same in a fork). */
    private static java.util.Map<String, org.openjdk.jmh.results.Result> tracedGetppid(String options) throws Exception {
        String reason = TracingSupport.unavailableReason();
        if (reason != null) System.out.println("EbpfProfilerTest skipped: " + reason);
        assumeTrue(reason == null, reason);
        System.setProperty("jmh.ignoreLock", "true"); // other JMH runs may share this machine
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include("io\\.contextlab\\.syscalls\\.SyscallLoops\\.getppid$")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(2)
                .measurementTime(TimeValue.milliseconds(200))
                .addProfiler(EbpfProfiler.class, options)
                .build()).run();
        var secondary = results.iterator().next().getAggregatedResult().getSecondaryResults();
        assertEquals(1.0, secondary.get("ebpf.traced").getScore());
        return secondary;
    }

    @Test
    void getppidLoopShowsOneSyscallPerOp() throws Exception {
        var secondary = tracedGetppid("");
        double syscallsPerOp = secondary.get("ebpf.syscalls/op").getScore();
        // Each op is one getppid; JMH's, the JIT's and the GC's own syscalls spread over
        // thousands of ops add a little.
        assertTrue(syscallsPerOp >= 0.99 && syscallsPerOp < 1.5, "syscalls/op " + syscallsPerOp);
        for (String metric : new String[] {"ebpf.runqlen.mean", "ebpf.nr_running.mean", "ebpf.cswitch.voluntary/op",
                "ebpf.cswitch.involuntary/op", "ebpf.migrations/op", "ebpf.faults/op", "ebpf.wakeups/op", "ebpf.disturbed",
                "ebpf.steal", "ebpf.cpus", "ebpf.overhead.ns/op"}) {
            assertTrue(secondary.containsKey(metric), metric + " missing: " + secondary.keySet());
        }
    }

    @Test
    void alternateTracesEveryOtherMeasurementIterationStartingAsNamed() throws Exception {
        String reason = TracingSupport.unavailableReason();
        assumeTrue(reason == null, reason);
        System.setProperty("jmh.ignoreLock", "true");
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include("io\\.contextlab\\.syscalls\\.SyscallLoops\\.getppid$")
                .forks(0)
                .warmupIterations(1).warmupTime(TimeValue.milliseconds(50))
                .measurementIterations(4)
                .measurementTime(TimeValue.milliseconds(50))
                .addProfiler(EbpfProfiler.class, "context;alternate=untraced-first")
                .build()).run();
        var iterations = results.iterator().next().getBenchmarkResults().iterator().next().getIterationResults();
        assertEquals(java.util.List.of(0.0, 1.0, 0.0, 1.0),
                iterations.stream().map(i -> i.getSecondaryResults().get("ebpf.traced").getScore()).toList());
        assertTrue(iterations.stream().allMatch(i -> (i.getSecondaryResults().get("ebpf.traced").getScore() == 1)
                == i.getSecondaryResults().containsKey("ebpf.overhead.ns/op")), "only a traced iteration carries the tier's metrics");
    }

    @Test
    void contextTierCarriesTheCheapMetricsAndItsOwnCost() throws Exception {
        var secondary = tracedGetppid("context");
        assertTrue(!secondary.containsKey("ebpf.syscalls/op"), "the context tier has no syscall probe");
        double overhead = secondary.get("ebpf.overhead.ns/op").getScore();
        assertTrue(overhead >= 0, "overhead " + overhead);
        double disturbed = secondary.get("ebpf.disturbed").getScore();
        assertTrue(disturbed >= 0 && disturbed <= 1, "disturbed is a share: " + disturbed);
        assertTrue(secondary.get("ebpf.cpus").getScore() >= 1, "the benchmark ran somewhere");
    }
}
