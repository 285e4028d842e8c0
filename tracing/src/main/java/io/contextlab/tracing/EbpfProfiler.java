package io.contextlab.tracing;

import io.contextlab.tracing.probes.Cswitch;
import io.contextlab.tracing.probes.Faults;
import io.contextlab.tracing.probes.Probe;
import io.contextlab.tracing.probes.ProbeStructs;
import io.contextlab.tracing.probes.Runqlat;
import io.contextlab.tracing.probes.Runqlen;
import io.contextlab.tracing.probes.Syscalls;
import io.contextlab.tracing.probes.TracingSupport;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;
import org.openjdk.jmh.runner.IterationType;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The scheduler context of every measurement iteration, as JMH secondary metrics:
 * {@code -prof io.contextlab.tracing.EbpfProfiler} (or {@code lab bench --trace}).
 *
 * <p>In the forked JVM the probes are loaded once (the verifier runs once per fork), attached at
 * the start of each measurement iteration, detached at its end, read, and cleared: warm-up
 * iterations are not traced. Per-op figures divide by the iteration's measured operations.
 * Scope: context switches, syscalls and faults are those of the whole forked JVM (JIT, GC and
 * JMH's own threads included, which is why an empty benchmark shows a floor); run-queue length is
 * the machine's (every CPU, every process); run-queue latency is of the forked JVM's threads.
 *
 * <p>Where tracing is impossible (no root, no BTF, no libbpf, a build without BPF objects) the run
 * goes on untraced: one line says why, and {@code ebpf.traced} is 0 instead of 1 in jmh.json.
 *
 * <p>Option: {@code -prof io.contextlab.tracing.EbpfProfiler:hz=99} sets the run-queue sampling
 * rate per CPU (default {@value Runqlen#DEFAULT_SAMPLE_HZ}).
 */
public final class EbpfProfiler implements InternalProfiler {
    private static final String PREFIX = "ebpf.";
    /** Per-CPU run-queue means only on small machines: 64 CPUs would bury jmh.json in them. */
    private static final int PER_CPU_METRICS_UP_TO = 8;

    private final int sampleHz;
    private List<Probe> probes;
    private Runqlen runqlen;
    private Runqlat runqlat;
    private Cswitch cswitch;
    private Syscalls syscalls;
    private Faults faults;
    private String untracedReason;
    private boolean said;

    public EbpfProfiler() {
        this("");
    }

    public EbpfProfiler(String options) {
        int hz = Runqlen.DEFAULT_SAMPLE_HZ;
        for (String option : options.split("[;,]")) {
            if (option.isBlank()) continue;
            String[] kv = option.split("=", 2);
            if (kv[0].trim().equals("hz") && kv.length == 2) {
                hz = Integer.parseInt(kv[1].trim());
            } else {
                throw new IllegalArgumentException("EbpfProfiler: unknown option '" + option + "' (known: hz=N)");
            }
        }
        this.sampleHz = hz;
    }

    @Override
    public String getDescription() {
        return "eBPF scheduler context per measurement iteration: run-queue length and latency, "
                + "context switches, syscalls and page faults per op (root, BTF, libbpf1)";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        if (iterationParams.getType() != IterationType.MEASUREMENT) return;
        if (!loaded()) return;
        try {
            for (Probe probe : probes) {
                probe.clear();
                probe.attach();
            }
        } catch (RuntimeException e) {
            giveUp(e.getMessage());
        }
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        if (iterationParams.getType() != IterationType.MEASUREMENT) return List.of();
        List<Result> out = new ArrayList<>();
        if (probes == null || untracedReason != null) {
            out.add(new ScalarResult(PREFIX + "traced", 0, "bool", AggregationPolicy.AVG));
            return out;
        }
        probes.forEach(Probe::detach);
        long ops = result.getMetadata().getMeasuredOps();
        if (ops <= 0) ops = result.getMetadata().getAllOps();
        double perOp = ops > 0 ? 1.0 / ops : Double.NaN;

        out.add(new ScalarResult(PREFIX + "traced", 1, "bool", AggregationPolicy.AVG));
        var runq = runqlen.allCpus();
        if (runq.samples() > 0) {
            out.add(avg("runqlen.mean", ProbeStructs.mean(runq.waiting()), "tasks"));
            out.add(avg("runqlen.p99", ProbeStructs.quantile(runq.waiting(), 0.99), "tasks"));
            out.add(avg("nr_running.mean", ProbeStructs.mean(runq.rqNrRunning()), "tasks"));
            var perCpu = runqlen.perCpu();
            if (perCpu.size() <= PER_CPU_METRICS_UP_TO) {
                perCpu.forEach((cpu, h) -> {
                    if (h.samples() > 0) out.add(avg("nr_running.cpu" + cpu + ".mean", ProbeStructs.mean(h.rqNrRunning()), "tasks"));
                });
            }
        }
        var latency = runqlat.histogram();
        if (latency.total() > 0) {
            out.add(avg("runqlat.p50", latency.quantile(0.50), "ns"));
            out.add(avg("runqlat.p99", latency.quantile(0.99), "ns"));
        }
        var switches = cswitch.counts();
        out.add(avg("cswitch.voluntary/op", switches.voluntary() * perOp, "#/op"));
        out.add(avg("cswitch.involuntary/op", switches.involuntary() * perOp, "#/op"));
        out.add(avg("syscalls/op", syscalls.total() * perOp, "#/op"));
        out.add(avg("faults/op", faults.userFaults() * perOp, "#/op"));
        return out;
    }

    private static ScalarResult avg(String name, double value, String unit) {
        return new ScalarResult(PREFIX + name, value, unit, AggregationPolicy.AVG);
    }

    /** Loads every probe once per fork; false (after one line saying why) when it cannot. */
    private boolean loaded() {
        if (probes != null) return untracedReason == null;
        probes = new ArrayList<>();
        untracedReason = TracingSupport.unavailableReason();
        if (untracedReason != null) {
            giveUp(untracedReason);
            return false;
        }
        int self = (int) ProcessHandle.current().pid();
        try {
            probes.add(runqlen = new Runqlen(sampleHz));
            probes.add(runqlat = new Runqlat(self));
            probes.add(cswitch = new Cswitch(self));
            probes.add(syscalls = new Syscalls(self, false));
            probes.add(faults = new Faults(self));
            // The kernel drops every program and link when this JVM exits, however it exits.
            return true;
        } catch (RuntimeException e) {
            giveUp(e.getMessage());
            return false;
        }
    }

    private void giveUp(String reason) {
        untracedReason = reason;
        probes.forEach(Probe::close);
        if (!said) {
            System.out.println("EbpfProfiler: not tracing, the benchmark runs untraced: " + reason);
            said = true;
        }
    }
}
