package io.contextlab.tracing;

import io.contextlab.platform.libc.Rusage;
import io.contextlab.tracing.libbpf.BpfProgram.RunStats;
import io.contextlab.tracing.libbpf.Libbpf;
import io.contextlab.tracing.probes.Context;
import io.contextlab.tracing.probes.Faults;
import io.contextlab.tracing.probes.Probe;
import io.contextlab.tracing.probes.Runqlat;
import io.contextlab.tracing.probes.Syscalls;
import io.contextlab.tracing.probes.TracingSupport;
import io.contextlab.tracing.probes.Wakeups;
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
 * The scheduler context of every measurement iteration, as JMH secondary metrics named
 * {@code ebpf.*}: {@code -prof io.contextlab.tracing.EbpfProfiler} (or {@code lab bench --trace}).
 *
 * <p>Two tiers. The <em>context</em> tier (context.bpf.c, alone with the option {@code context},
 * which `lab run` adds to every suite) is cheap enough for every benchmark: the forked JVM's
 * voluntary and involuntary switches (from the kernel's own counts, getrusage, read at the
 * iteration's edges: context.bpf.c's sched_switch program, which runs on every switch of the
 * machine, made a switch-bound benchmark a tenth slower and is left detached here) and
 * migrations, every CPU's time-weighted run-queue length
 * by sampling, the CPU(s) the JVM ran on, host steal from /proc/stat, and
 * {@code ebpf.others.share}: the share of time other processes ran on the CPUs the JVM ran on,
 * and {@code ebpf.disturbed}: 1 for an iteration where those (seen in at least
 * {@link #DISTURBED_MIN_SAMPLES} samples) or the host's steal took at least
 * {@link #DISTURBED_SHARE} (averaged by JMH: the share of disturbed iterations). The
 * <em>detail</em> tier (the default, without {@code context}) adds runqlat, syscalls, faults and
 * wake-ups: costlier (syscalls runs on every syscall of the JVM).
 *
 * <p>The probes' own cost from the kernel: for each measurement iteration the kernel's BPF
 * run-time accounting is on (bpf_enable_stats: what sysctl kernel.bpf_stats_enabled does, undone
 * when its fd closes after the iteration, or when the JVM dies), and {@code ebpf.overhead.ns/op}
 * is the loaded programs' run_time_ns delta per op. It counts the programs' runs on every CPU and
 * every process (the filtered-out calls too), not the interrupt or trampoline around them.
 *
 * <p>In the forked JVM the probes are loaded once (the verifier runs once per fork), attached at
 * the start of each measurement iteration and detached at its end: warm-up is not traced. Under
 * `lab run` the context tier is loaded once for the whole run instead, by the run's host, and
 * each fork opens it from bpffs ({@link ContextPins}): the same programs, attached the same way. Scope:
 * switches, migrations, syscalls and faults are the whole forked JVM's (JIT, GC and JMH's threads
 * included, which is why an empty benchmark shows a floor); run-queue length is every CPU's.
 *
 * <p>Where tracing is impossible (no root, no BTF, no libbpf, a build without BPF objects) the run
 * goes on untraced: one line says why, and {@code ebpf.traced} is 0 instead of 1 in jmh.json.
 *
 * <p>Options ({@code -prof io.contextlab.tracing.EbpfProfiler:context;hz=499}): {@code context}
 * for the context tier alone; {@code hz=N} the run-queue sampling rate per CPU (default about 199: {@link Context#DEFAULT_PERIOD_NS});
 * {@code alternate=traced-first} or {@code alternate=untraced-first}: trace every other
 * measurement iteration only, starting as named (an untraced iteration attaches nothing and
 * reports {@code ebpf.traced} 0), so that one fork gives the tier's twin as adjacent iterations of
 * the same JVM on the same CPU (the step ebpf-perturbation splits them into its two sides).
 */
public final class EbpfProfiler implements InternalProfiler {
    private static final String PREFIX = "ebpf.";
    /** The secondary result each measurement iteration carries: 1 when the probes were attached, 0 when not. */
    public static final String TRACED = PREFIX + "traced";
    /**
     * An iteration is disturbed when, on a CPU the benchmark ran on, other processes (kernel
     * threads included) ran, or the host stole, at least this share of the time: a fifth of the
     * cross-checks' 10% tolerance. Not any involuntary switch or waiting task, as at first: on a
     * two-vCPU guest the JVM's own threads (JIT, GC, JMH's) preempt and queue behind the
     * benchmark in nearly every iteration, and such a flag marked every result.
     */
    static final double DISTURBED_SHARE = 0.02;
    /**
     * And in at least this many run-queue samples: one sample is the sampling's resolution (2.5 % of
     * a 200 ms iteration at 199 Hz), so a lone sample of another task flagged iterations whose
     * interference may have been far below {@link #DISTURBED_SHARE}.
     */
    static final long DISTURBED_MIN_SAMPLES = 2;
    /** The CPUs whose interference counts: those the benchmark ran on at least this share of the time. */
    static final double MAIN_CPU_SHARE = 0.25;
    /** Per-CPU metrics only on small machines: 64 CPUs would bury jmh.json in them. */
    private static final int PER_CPU_METRICS_UP_TO = 8;

    private final long periodNs;
    private final boolean detail;
    /** alternate=: null, every iteration traced; else whether the first measurement iteration (and every other after it) is traced. */
    private final Boolean tracedFirst;
    private int measured;
    private boolean tracing;
    private List<Probe> probes;
    private Context context;
    private Runqlat runqlat;
    private Syscalls syscalls;
    private Faults faults;
    private Wakeups wakeups;
    private String untracedReason;
    private boolean said;
    private int statsFd = -1;
    private List<RunStats> statsBefore = List.of();
    private CpuTimes timesBefore;
    private Rusage.Switches switchesBefore;

    public EbpfProfiler() {
        this("");
    }

    public EbpfProfiler(String options) {
        long period = Context.DEFAULT_PERIOD_NS;
        boolean contextOnly = false;
        Boolean first = null;
        for (String option : options.split("[;,]")) {
            if (option.isBlank()) continue;
            String[] kv = option.split("=", 2);
            String key = kv[0].trim();
            if (key.equals("hz") && kv.length == 2) {
                period = 1_000_000_000L / Integer.parseInt(kv[1].trim());
            } else if (key.equals("context") && kv.length == 1) {
                contextOnly = true;
            } else if (key.equals("alternate") && kv.length == 2 && List.of("traced-first", "untraced-first").contains(kv[1].trim())) {
                first = kv[1].trim().equals("traced-first");
            } else {
                throw new IllegalArgumentException("EbpfProfiler: unknown option '" + option
                        + "' (known: context, hz=N, alternate=traced-first|untraced-first)");
            }
        }
        this.periodNs = period;
        this.detail = !contextOnly;
        this.tracedFirst = first;
    }

    @Override
    public String getDescription() {
        return "eBPF scheduler context per measurement iteration: run-queue length, switches, migrations, steal, "
                + "disturbed iterations, the probes' kernel-accounted cost; without 'context' also run-queue latency, "
                + "syscalls, faults and wake-ups per op (root, BTF, libbpf1)";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        if (iterationParams.getType() != IterationType.MEASUREMENT) return;
        tracing = tracedFirst == null || (measured % 2 == 0) == tracedFirst;
        if (!tracing) return;
        if (!loaded()) return;
        try {
            for (Probe probe : probes) probe.clear();
            statsFd = Libbpf.enableRunTimeStats();
            statsBefore = runStats();
            timesBefore = CpuTimes.read();
            for (Probe probe : probes) probe.attach();
            switchesBefore = Rusage.switches();
        } catch (RuntimeException e) {
            giveUp(e.getMessage());
        }
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        if (iterationParams.getType() != IterationType.MEASUREMENT) return List.of();
        measured++;
        List<Result> out = new ArrayList<>();
        if (!tracing || probes == null || untracedReason != null) {
            out.add(new ScalarResult(TRACED, 0, "bool", AggregationPolicy.AVG));
            return out;
        }
        Rusage.Switches switches = Rusage.switches().minus(switchesBefore);
        probes.forEach(Probe::detach);
        context.markDetached();
        CpuTimes timesAfter = CpuTimes.read();
        long overheadNs = 0;
        List<RunStats> after = runStats();
        for (int i = 0; i < after.size() && i < statsBefore.size(); i++) overheadNs += after.get(i).minus(statsBefore.get(i)).runTimeNs();
        Libbpf.closeFd(statsFd);
        statsFd = -1;

        long ops = result.getMetadata().getMeasuredOps();
        if (ops <= 0) ops = result.getMetadata().getAllOps();
        double perOp = ops > 0 ? 1.0 / ops : Double.NaN;

        out.add(new ScalarResult(TRACED, 1, "bool", AggregationPolicy.AVG));
        out.add(avg("overhead.ns/op", overheadNs * perOp, "ns/op"));

        Context.Reading r = context.read();
        out.add(avg("cswitch.voluntary/op", switches.voluntary() * perOp, "#/op"));
        out.add(avg("cswitch.involuntary/op", switches.involuntary() * perOp, "#/op"));
        out.add(avg("migrations/op", r.migrations() * perOp, "#/op"));
        out.add(avg("runqlen.mean", r.runqlenMean(), "tasks"));
        out.add(avg("nr_running.mean", r.cpus().keySet().stream().mapToDouble(r::queued).average().orElse(Double.NaN), "tasks"));
        out.add(avg("queued.busiest", r.queuedBusiest(), "tasks"));
        out.add(new ScalarResult(PREFIX + "queued.max", r.queuedMax(), "tasks", AggregationPolicy.MAX));
        out.add(avg("runqlen.own.mean", r.targetRunqlen(), "tasks"));
        List<Integer> ran = r.targetCpus();
        out.add(avg("cpus", ran.size(), "cpus"));
        if (r.cpus().size() <= PER_CPU_METRICS_UP_TO) {
            for (int cpu : r.cpus().keySet()) {
                out.add(avg("nr_running.cpu" + cpu + ".mean", r.queued(cpu), "tasks"));
                out.add(avg("cpu" + cpu + ".share", r.targetShare(cpu), "share"));
            }
        }
        double steal = timesAfter.stealShare(timesBefore, ran.isEmpty() ? r.cpus().keySet() : ran);
        out.add(avg("steal", steal, "share"));
        double others = r.othersOnTargetCpus(MAIN_CPU_SHARE);
        out.add(avg("others.share", others, "share"));
        boolean disturbed = r.othersSeen(MAIN_CPU_SHARE, DISTURBED_SHARE, DISTURBED_MIN_SAMPLES) || steal >= DISTURBED_SHARE;
        out.add(avg("disturbed", disturbed ? 1 : 0, "share"));

        if (detail) {
            var latency = runqlat.histogram();
            if (latency.total() > 0) {
                out.add(avg("runqlat.p50", latency.quantile(0.50), "ns"));
                out.add(avg("runqlat.p99", latency.quantile(0.99), "ns"));
            }
            out.add(avg("syscalls/op", syscalls.total() * perOp, "#/op"));
            out.add(avg("faults/op", faults.userFaults() * perOp, "#/op"));
            out.add(avg("wakeups/op", wakeups.total() * perOp, "#/op"));
        }
        return out;
    }

    private List<RunStats> runStats() {
        List<RunStats> all = new ArrayList<>();
        for (Probe probe : probes) all.addAll(probe.runStats());
        return all;
    }

    private static ScalarResult avg(String name, double value, String unit) {
        return new ScalarResult(PREFIX + name, value, unit, AggregationPolicy.AVG);
    }

    /** Loads the tier's probes once per fork; false (after one line saying why) when it cannot. */
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
            // The context tier alone (lab run's): from the run host's pins when it made them (ContextPins).
            probes.add(context = (detail ? new Context(self, periodNs) : ContextPins.context(self, periodNs)).withoutSwitchProgram());
            if (detail) {
                probes.add(runqlat = new Runqlat(self));
                probes.add(syscalls = new Syscalls(self, false));
                probes.add(faults = new Faults(self));
                probes.add(wakeups = new Wakeups(self));
            }
            // The kernel drops every program and link, and the stats switch, when this JVM exits, however it exits.
            return true;
        } catch (RuntimeException e) {
            giveUp(e.getMessage());
            return false;
        }
    }

    private void giveUp(String reason) {
        untracedReason = reason;
        probes.forEach(Probe::close);
        if (statsFd >= 0) {
            Libbpf.closeFd(statsFd);
            statsFd = -1;
        }
        if (!said) {
            System.out.println("EbpfProfiler: not tracing, the benchmark runs untraced: " + reason);
            said = true;
        }
    }
}
