package io.contextlab.tracing.probes;

import io.contextlab.tracing.libbpf.BpfException;
import io.contextlab.tracing.libbpf.BpfLink;
import io.contextlab.tracing.libbpf.BpfMap;
import io.contextlab.tracing.libbpf.BpfObject;
import io.contextlab.tracing.libbpf.BpfProgram;
import io.contextlab.tracing.libbpf.Libbpf;
import io.contextlab.tracing.libbpf.PerfEvents;
import io.contextlab.tracing.libbpf.Pinned;
import io.contextlab.tracing.probes.ProbeStructs.ContextCpu;
import io.contextlab.tracing.probes.ProbeStructs.ProbeConfig;

import java.io.PrintStream;
import java.nio.file.Path;
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
 *
 * <p>Loaded here ({@link #Context(int, long)}), or opened from the programs and maps another
 * process loaded once and pinned ({@link #pin}, {@link #openPinned}): the same object, the same
 * counters. Either way the target tgid is written into the object's writable global before any
 * program is attached.
 */
public final class Context extends Probe {
    /**
     * About 199 Hz: not a multiple of the tick (100-1000 Hz), so samples do not ride in lockstep
     * with it; and rare enough to cost the benchmark little. Each sample is a cpu-clock interrupt on
     * every CPU, and under a hypervisor that costs far more than the BPF program it runs: at 997 Hz
     * getppid's traced iterations were 4.7 % slower than the untraced ones beside them in one fork
     * (the programs' own kernel-accounted run time, 0.1 %), at 97 Hz 0.99 (2 December 2026). A
     * 200 ms iteration still gets about 40 samples per CPU.
     */
    public static final long DEFAULT_PERIOD_NS = 1_000_000_000L / 199;

    private static final String SWITCH = "context_switch", MIGRATE = "context_migrate", SAMPLE = "context_sample";
    private static final String BY_CPU = "context_by_cpu", TARGET = "context_target";
    /** The pins' names in a pin directory: the programs', then the maps'. */
    static final List<String> PINS = List.of(SWITCH, MIGRATE, SAMPLE, BY_CPU, TARGET);

    private final long periodNs;
    private final BpfMap byCpu;
    /** The object's .bss: struct probe_config context_target, the one writable knob. */
    private final BpfMap target;
    /** Pinned mode: the fds of the three programs, then of the two maps (this probe's to close); empty when loaded here. */
    private final int[] pinnedFds;
    private long attachedAt;
    private long detachedAt;
    /** Whether sched_switch is traced (see {@link #withoutSwitchProgram}). */
    private boolean switchProgram = true;

    /** Loads context.bpf.o in this process. @param targetTgid the process whose threads count (the tracepoints compare it first) */
    public Context(int targetTgid, long periodNs) {
        super("context", targetTgid);
        requireTarget(targetTgid);
        this.periodNs = periodNs;
        this.pinnedFds = new int[0];
        this.byCpu = object.map(BY_CPU);
        this.target = object.map(".bss");
        writeTarget(targetTgid);
    }

    private Context(int[] pinnedFds, int targetTgid, long periodNs) {
        super("context");
        this.periodNs = periodNs;
        this.pinnedFds = pinnedFds;
        this.byCpu = BpfMap.ofFd(pinnedFds[3]);
        this.target = BpfMap.ofFd(pinnedFds[4]);
        if (byCpu.valueSize() != ContextCpu.SIZE || target.valueSize() != ProbeConfig.SIZE) {
            throw new BpfException("the pinned context maps are not this build's (value sizes " + byCpu.valueSize() + ", "
                    + target.valueSize() + ")", 22);
        }
        writeTarget(targetTgid);
    }

    /**
     * Opens the context tier that {@link #pin} left in {@code dir}, for {@code targetTgid}: its
     * tgid written, nothing attached until {@link #attach()}.
     */
    public static Context openPinned(Path dir, int targetTgid, long periodNs) {
        TracingSupport.require();
        requireTarget(targetTgid);
        int[] fds = new int[PINS.size()];
        java.util.Arrays.fill(fds, -1);
        try {
            for (int i = 0; i < fds.length; i++) fds[i] = Pinned.get(dir.resolve(PINS.get(i)));
            return new Context(fds, targetTgid, periodNs);
        } catch (RuntimeException e) {
            closeAll(fds);
            throw e;
        }
    }

    /**
     * Loads context.bpf.o (verifier included) and pins its programs and maps in {@code dir}, an
     * existing directory of a bpffs, under {@link #PINS}' names; this process keeps nothing (the
     * pins hold them). Nothing is attached.
     */
    public static void pin(Path dir) {
        TracingSupport.require();
        try (BpfObject object = BpfObject.open(TracingSupport.object("context"))) {
            object.setReadOnlyData(new ProbeConfig(0).toBytes());
            object.load();
            for (String program : List.of(SWITCH, MIGRATE, SAMPLE)) Pinned.pin(object.program(program).fd(), dir.resolve(program));
            Pinned.pin(object.map(BY_CPU).fd(), dir.resolve(BY_CPU));
            Pinned.pin(object.map(".bss").fd(), dir.resolve(TARGET));
        }
    }

    private static void requireTarget(int targetTgid) {
        if (targetTgid <= 0) throw new IllegalArgumentException("context: a target process is required, not " + targetTgid);
    }

    private void writeTarget(int targetTgid) {
        target.update(BpfMap.intKey(0), new ProbeConfig(targetTgid).toBytes());
    }

    /** Whether this probe runs the programs another process pinned. */
    public boolean pinned() {
        return pinnedFds.length > 0;
    }

    @Override
    public List<Integer> programFds() {
        if (!pinned()) return super.programFds();
        return List.of(pinnedFds[0], pinnedFds[1], pinnedFds[2]);
    }

    @Override
    public List<BpfProgram.RunStats> runStats() {
        if (!pinned()) return super.runStats();
        return List.of(Pinned.runStats(pinnedFds[0], SWITCH), Pinned.runStats(pinnedFds[1], MIGRATE),
                Pinned.runStats(pinnedFds[2], SAMPLE));
    }

    @Override
    void closeResources() {
        closeAll(pinnedFds);
    }

    private static void closeAll(int[] fds) {
        for (int i = 0; i < fds.length; i++) {
            if (fds[i] >= 0) Libbpf.closeFd(fds[i]);
            fds[i] = -1;
        }
    }

    public Context(int targetTgid) {
        this(targetTgid, DEFAULT_PERIOD_NS);
    }

    /**
     * This probe without its sched_switch program, for a target that counts its own switches
     * (getrusage: the JMH profiler in the forked JVM). The program runs on every context switch
     * of the machine, and each run costs far more than the run time the kernel accounts to it
     * (the tracepoint's dispatch around it): in a paired comparison a bare thread handoff, two
     * switches per op, was about a tenth slower with it attached than without it. The voluntary and
     * involuntary counts of {@link #read()} are then 0; migrations and the samples are unchanged.
     */
    public Context withoutSwitchProgram() {
        switchProgram = false;
        return this;
    }

    @Override
    protected List<BpfLink> attachPrograms() {
        List<BpfLink> links = new ArrayList<>();
        List<Integer> fds = List.of();
        int next = 0;
        try {
            if (pinned()) {
                if (switchProgram) links.add(Pinned.attachTracing(pinnedFds[0], SWITCH));
                links.add(Pinned.attachTracing(pinnedFds[1], MIGRATE));
                fds = PerfEvents.openCpuClockPerCpuPeriod(periodNs);
                for (; next < fds.size(); next++) links.add(Pinned.attachPerfEvent(pinnedFds[2], fds.get(next), SAMPLE));
            } else {
                if (switchProgram) links.add(object.program(SWITCH).attach());
                links.add(object.program(MIGRATE).attach());
                BpfProgram sample = object.program(SAMPLE);
                fds = PerfEvents.openCpuClockPerCpuPeriod(periodNs);
                for (; next < fds.size(); next++) links.add(sample.attachPerfEvent(fds.get(next)));
            }
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

        /**
         * Whether interference from outside the target was seen, not guessed: on some CPU where the
         * target ran at least {@code mainCpuShare} of the time, other processes ran at least
         * {@code share} of it, in at least {@code minSamples} samples. One sample is the sampling's
         * resolution (at 199 Hz, 2.5 % of a 200 ms iteration): alone it cannot tell a share above
         * {@code share} from one far below it.
         */
        public boolean othersSeen(double mainCpuShare, double share, long minSamples) {
            return cpus.keySet().stream().filter(cpu -> targetShare(cpu) >= mainCpuShare)
                    .anyMatch(cpu -> otherShare(cpu) >= share && cpus.get(cpu).otherSamples() >= minSamples);
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
