package io.contextlab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.contextlab.tracing.probes.TracingSupport;
import org.junit.jupiter.api.Test;

/** `lab run` adds the eBPF context tier to a suite's JMH arguments, unless the suite names the profiler or tracing is impossible. */
class ContextTierTest {
    private static final String PROFILER = "io.contextlab.tracing.EbpfProfiler";

    @Test
    void aSuiteGetsTheContextTierWhenTracingWorks() {
        String expected = TracingSupport.unavailableReason() == null ? "-f 1 -prof " + PROFILER + ":context" : "-f 1";
        assertEquals(expected, RunCommand.withContext("-f 1"));
    }

    @Test
    void aSuiteThatNamesTheProfilerKeepsItsOwnTier() {
        assertEquals("-f 1 -prof " + PROFILER, RunCommand.withContext("-f 1 -prof " + PROFILER));
    }
}
