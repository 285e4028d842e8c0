package io.contextlab.lab;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Hands figures that are not times (bytes per thread, faults per page, syscalls per switch) to
 * JMH as secondary metrics, so they land in jmh.json beside the times, each with its unit.
 *
 * Why a profiler and not @AuxCounters: JMH sums Type.EVENTS counters over every measured
 * iteration and fork (they are counts), so a per-thread byte figure recorded once per iteration
 * would come out multiplied by iterations x forks. A profiler's result carries its own
 * aggregation policy; these are AVG, so the score is the mean over iterations and forks and the
 * error is JMH's usual confidence interval. (Counts that are meant to add up, like the herd's
 * wake-ups, stay @AuxCounters.)
 *
 * Benchmarks call {@link #record} during an iteration (at the latest in an iteration-level
 * tear-down); the last value recorded under a label is that iteration's sample. BenchMain adds
 * `-prof io.contextlab.lab.FiguresProfiler` to every run, so nobody has to remember it; without
 * it the benchmarks still run and report only their times.
 */
public final class FiguresProfiler implements InternalProfiler {
    private record Sample(double value, String unit) {}

    private static final Map<String, Sample> SAMPLES = new LinkedHashMap<>();

    /** The figure of this iteration under `label` (a later call replaces an earlier one). */
    public static synchronized void record(String label, double value, String unit) {
        SAMPLES.put(label, new Sample(value, unit));
    }

    @Override
    public String getDescription() {
        return "Figures recorded by the benchmarks themselves (bytes, faults, syscalls per operation)";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        synchronized (FiguresProfiler.class) {
            SAMPLES.clear();
        }
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        List<ScalarResult> out = new ArrayList<>();
        synchronized (FiguresProfiler.class) {
            SAMPLES.forEach((label, s) -> out.add(new ScalarResult(label, s.value(), s.unit(), AggregationPolicy.AVG)));
            SAMPLES.clear();
        }
        return out;
    }
}
