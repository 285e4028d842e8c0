package io.contextlab.tracing.probes;

import io.contextlab.tracing.libbpf.BpfLink;
import io.contextlab.tracing.libbpf.BpfMap;
import io.contextlab.tracing.libbpf.BpfProgram;
import io.contextlab.tracing.libbpf.PerfEvents;
import io.contextlab.tracing.probes.ProbeStructs.ContextCpu;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * context.bpf.c: the scheduler context tier, cheap enough to stay on for every benchmark. The
 * target's voluntary and involuntary switches and migrations, and every online CPU's run queue
 * sampled on a fixed-period cpu-clock timer, with whether a target thread was the one running.
 *
 * <p>Time-weighted run-queue length: each sample stands for one period of its CPU's time; a CPU
 * that idles may take fewer samples than the iteration's duration holds (a VM's idle vCPU takes
 * few), and the periods without a sample count as length 0. So a CPU's mean is
 * {@code sum of lengths / max(samples, duration / period)}, not a mean over samples, which would
 * lean toward the busy CPU.
 */
public final class Context extends Probe {
    /** About 997 Hz: not a multiple of the tick (100-1000 Hz), so samples do not ride in lockstep with it. */
    public static final long DEFAULT_PERIOD_NS = 1_000_000_000L / 997;

    private final long periodNs;
    private final BpfMap byCpu;
    private long attachedAt;
    private long detachedAt;

    /** @param targetTgid the process whose threads count (the tracepoints compare it first) */
    public Context(int targetTgid, long periodNs) {
        super("context", targetTgid);
        if (targetTgid <= 0) throw new IllegalArgumentException("context: a target process is required, not " + targetTgid);
        this.periodNs = periodNs;
        this.byCpu = object.map("context_by_cpu");
    }

    public Context(int targetTgid) {
        this(targetTgid, DEFAULT_PERIOD_NS);
    }

    @Override
    protected List<BpfLink> attachPrograms() {
        List<BpfLink> links = new ArrayList<>();
        List<Integer> fds = List.of();
        int next = 0;
        try {
            links.add(object.program("context_switch").attach());
            links.add(object.program("context_migrate").attach());
            BpfProgram sample = object.program("context_sample");
            fds = PerfEvents.openCpuClockPerCpuPeriod(periodNs);
            for (; next < fds.size(); next++) links.add(sample.attachPerfEvent(fds.get(next)));
        } catch (RuntimeException e) {
            links.forEach(BpfLink::close); // each perf link closed its perf fd
            for (int i = next; i < fds.size(); i++) PerfEvents.close(fds.get(i));
            throw e;
        }
        attachedAt = System.nanoTime();
        detachedAt = 0;
        return links;
    }

    /** What the probe holds now, over the time since attach (until detach, if detached since). */
    public Reading read() {
        long end = detachedAt != 0 ? detachedAt : System.nanoTime();
        if (!attached() && detachedAt == 0) detachedAt = end;
        List<ContextCpu> slots = byCpu.lookupPerCpu(0).stream().map(ContextCpu::decode).toList();
        Map<Integer, ContextCpu> online = new TreeMap<>();
        for (int cpu : PerfEvents.onlineCpus()) if (cpu < slots.size()) online.put(cpu, slots.get(cpu));
        return new Reading(online, attachedAt == 0 ? 0 : end - attachedAt, periodNs);
    }

    /** Marks the end of the traced time; call right after {@link #detach()}. */
    public void markDetached() {
        detachedAt = System.nanoTime();
    }

    @Override
    public void clear() {
        byCpu.clear();
    }

    /** One iteration's context: per online CPU, and the derived figures. */
    public record Reading(Map<Integer, ContextCpu> cpus, long durationNs, long periodNs) {
        /** Periods the duration holds on one CPU (at least the samples taken there). */
        public double periods(ContextCpu c) {
            return Math.max(c.samples(), (double) durationNs / periodNs);
        }

        public long voluntary() { return cpus.values().stream().mapToLong(ContextCpu::voluntary).sum(); }
        public long involuntary() { return cpus.values().stream().mapToLong(ContextCpu::involuntary).sum(); }
        public long migrations() { return cpus.values().stream().mapToLong(ContextCpu::migrations).sum(); }

        /** Time-weighted mean of waiting tasks on one CPU (idle time counts as 0). */
        public double runqlen(int cpu) {
            ContextCpu c = cpus.get(cpu);
            double p = periods(c);
            return p > 0 ? c.waitingSum() / p : Double.NaN;
        }

        /** Time-weighted mean of runnable tasks (the running one included) on one CPU. */
        public double queued(int cpu) {
            ContextCpu c = cpus.get(cpu);
            double p = periods(c);
            return p > 0 ? c.queuedSum() / p : Double.NaN;
        }

        /** The mean over online CPUs of each CPU's time-weighted run-queue length. */
        public double runqlenMean() {
            return cpus.keySet().stream().mapToDouble(this::runqlen).average().orElse(Double.NaN);
        }

        /** The largest time-weighted mean of runnable tasks of any CPU (where a pinned experiment piles them). */
        public double queuedBusiest() {
            return cpus.keySet().stream().mapToDouble(this::queued).max().orElse(Double.NaN);
        }

        public long queuedMax() {
            return cpus.values().stream().mapToLong(ContextCpu::queuedMax).max().orElse(0);
        }

        /** Share of one CPU's time that a target thread ran there (by samples). */
        public double targetShare(int cpu) {
            ContextCpu c = cpus.get(cpu);
            double p = periods(c);
            return p > 0 ? c.targetSamples() / p : Double.NaN;
        }

        public long targetSamples() {
            return cpus.values().stream().mapToLong(ContextCpu::targetSamples).sum();
        }

        /** Mean waiting tasks on the CPU a target thread was running on, over those samples. */
        public double targetRunqlen() {
            long n = targetSamples();
            return n > 0 ? (double) cpus.values().stream().mapToLong(ContextCpu::targetWaitingSum).sum() / n : Double.NaN;
        }

        /** Samples in which a target thread ran with another task waiting on its CPU. */
        public long targetNonempty() {
            return cpus.values().stream().mapToLong(ContextCpu::targetNonempty).sum();
        }

        /** Share of one CPU's time that another process's task (kernel threads included) ran there (by samples). */
        public double otherShare(int cpu) {
            ContextCpu c = cpus.get(cpu);
            double p = periods(c);
            return p > 0 ? c.otherSamples() / p : Double.NaN;
        }

        /**
         * Interference from outside the target: the largest share of time other processes ran on
         * a CPU where the target itself ran at least {@code mainCpuShare} of the time (its own
         * threads, the JIT's and GC's included, do not count: they are part of what is measured).
         * 0 when the target was seen on no such CPU.
         */
        public double othersOnTargetCpus(double mainCpuShare) {
            return cpus.keySet().stream().filter(cpu -> targetShare(cpu) >= mainCpuShare)
                    .mapToDouble(this::otherShare).max().orElse(0);
        }

        /** The CPUs a target thread was seen running on. */
        public List<Integer> targetCpus() {
            return cpus.entrySet().stream().filter(e -> e.getValue().targetSamples() > 0).map(Map.Entry::getKey).toList();
        }
    }

    @Override
    public void print(PrintStream out) {
        Reading r = read();
        out.printf("%ncontext over %.3f s: %d voluntary, %d involuntary switches, %d migrations of the target's threads%n",
                r.durationNs() / 1e9, r.voluntary(), r.involuntary(), r.migrations());
        for (int cpu : r.cpus().keySet()) {
            out.printf("cpu %d: %d samples, time-weighted runqlen %.3f, runnable %.3f, target ran %.1f%% of the time%n",
                    cpu, r.cpus().get(cpu).samples(), r.runqlen(cpu), r.queued(cpu), 100 * r.targetShare(cpu));
        }
    }

    @Override
    public List<List<Object>> table() {
        Reading r = read();
        List<List<Object>> rows = new ArrayList<>();
        rows.add(List.of("cpu", "samples", "runqlen_time_weighted", "runnable_time_weighted", "target_share",
                "voluntary", "involuntary", "migrations"));
        r.cpus().forEach((cpu, c) -> rows.add(List.of(cpu, c.samples(), r.runqlen(cpu), r.queued(cpu), r.targetShare(cpu),
                c.voluntary(), c.involuntary(), c.migrations())));
        return rows;
    }

    @Override
    public Object reading() {
        return read();
    }
}
