package io.contextlab.lab;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.format.OutputFormat;

/**
 * JMH's console output passed through unchanged, with the benchmarks that failed noted. JMH goes
 * on after a benchmark throws (unless -foe): it prints {@code <failure>} and the stack trace,
 * never ends that benchmark (no {@code endBenchmark}: the forked runner drops a failed
 * benchmark's results, every fork's), and starts the next one; the Runner's results then simply
 * lack it. So a benchmark that started and did not end, or printed {@code <failure>}, failed.
 */
public final class FailureWatch implements OutputFormat {
    private final OutputFormat out;
    private final Set<String> failed = new LinkedHashSet<>();
    private BenchmarkParams current;

    public FailureWatch(OutputFormat out) {
        this.out = out;
    }

    /** The failed benchmarks so far, each "benchmark (param=value, …)" without io.contextlab., in run order. */
    public synchronized List<String> failed() {
        List<String> all = new ArrayList<>(failed);
        if (current != null && !failed.contains(label(current))) {
            all.add(label(current));   // started and never ended: JMH stopped inside it
        }
        return all;
    }

    /** "switches.NativeCoroutines.setjmpLongjmp (kind=A, n=1)". */
    static String label(BenchmarkParams p) {
        List<String> params = new ArrayList<>();
        for (String key : p.getParamsKeys()) {
            params.add(key + "=" + p.getParam(key));
        }
        String name = p.getBenchmark().replaceFirst("^io\\.contextlab\\.", "");
        return params.isEmpty() ? name : name + " (" + String.join(", ", params) + ")";
    }

    private synchronized void unended() {
        if (current != null) {
            failed.add(label(current));
            current = null;
        }
    }

    @Override
    public void startBenchmark(BenchmarkParams params) {
        unended();
        synchronized (this) {
            current = params;
        }
        out.startBenchmark(params);
    }

    @Override
    public void endBenchmark(BenchmarkResult result) {
        synchronized (this) {
            current = null;
        }
        out.endBenchmark(result);
    }

    @Override
    public void endRun(Collection<RunResult> result) {
        unended();
        out.endRun(result);
    }

    @Override
    public void println(String s) {
        if ("<failure>".equals(s)) {
            synchronized (this) {
                if (current != null) failed.add(label(current));
            }
        }
        out.println(s);
    }

    @Override
    public void iteration(BenchmarkParams benchParams, IterationParams params, int iteration) {
        out.iteration(benchParams, params, iteration);
    }

    @Override
    public void iterationResult(BenchmarkParams benchParams, IterationParams params, int iteration, IterationResult data) {
        out.iterationResult(benchParams, params, iteration, data);
    }

    @Override
    public void startRun() {
        out.startRun();
    }

    @Override
    public void print(String s) {
        out.print(s);
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void close() {
        out.close();
    }

    @Override
    public void verbosePrintln(String s) {
        out.verbosePrintln(s);
    }

    @Override
    public void write(int b) {
        out.write(b);
    }

    @Override
    public void write(byte[] b) throws IOException {
        out.write(b);
    }
}
