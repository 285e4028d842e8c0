package io.contextlab.tracing.probes;

import io.contextlab.tracing.libbpf.BpfLink;
import io.contextlab.tracing.libbpf.BpfMap;
import io.contextlab.tracing.libbpf.BpfProgram;
import io.contextlab.tracing.libbpf.PerfEvents;
import io.contextlab.tracing.probes.ProbeStructs.RunqHistogram;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * runqlen.bpf.c: every online CPU sampled on a software cpu-clock at {@code sampleHz}; per CPU,
 * a linear histogram of the CPU's runnable count (struct rq nr_running) and of the sampled task's
 * cfs_rq queued count. System-wide by nature (a run queue is a CPU's), so no target process.
 */
public final class Runqlen extends Probe {
    /** Not a multiple of the tick (100-1000 Hz), so samples do not ride in lockstep with it. */
    public static final int DEFAULT_SAMPLE_HZ = 997;

    private final int sampleHz;
    private final BpfMap byCpu;

    public Runqlen(int sampleHz) {
        super("runqlen", 0);
        this.sampleHz = sampleHz;
        this.byCpu = object.map("runq_by_cpu");
    }

    public Runqlen() {
        this(DEFAULT_SAMPLE_HZ);
    }

    @Override
    protected List<BpfLink> attachPrograms() {
        BpfProgram sample = object.program("runqlen_sample");
        List<Integer> fds = PerfEvents.openCpuClockPerCpu(sampleHz);
        List<BpfLink> links = new ArrayList<>();
        int next = 0;
        try {
            for (; next < fds.size(); next++) links.add(sample.attachPerfEvent(fds.get(next)));
        } catch (RuntimeException e) {
            links.forEach(BpfLink::close); // each link closed its perf fd
            for (int i = next; i < fds.size(); i++) PerfEvents.close(fds.get(i));
            throw e;
        }
        return links;
    }

    /** Per online CPU. */
    public Map<Integer, RunqHistogram> perCpu() {
        Map<Integer, RunqHistogram> out = new TreeMap<>();
        for (int cpu : PerfEvents.onlineCpus()) {
            if (cpu < ProbeStructs.MAX_CPUS) out.put(cpu, RunqHistogram.decode(byCpu.lookup(cpu)));
        }
        return out;
    }

    /** Every CPU's samples together. */
    public RunqHistogram allCpus() {
        return perCpu().values().stream().reduce(RunqHistogram.decode(null), RunqHistogram::plus);
    }

    @Override
    public void clear() {
        byCpu.clear();
    }

    @Override
    public void print(PrintStream out) {
        for (var e : perCpu().entrySet()) {
            out.printf("%ncpu %d: %d samples at %d Hz; runqlen = runnable tasks waiting (rq nr_running minus the running one)%n",
                    e.getKey(), e.getValue().samples(), sampleHz);
            ProbeStructs.printLinear(out, "runqlen", e.getValue().waiting());
        }
        RunqHistogram all = allCpus();
        out.printf("%nall cpus: runqlen mean %.2f, p99 %.0f; cfs_rq queued mean %.2f%n",
                ProbeStructs.mean(all.waiting()), ProbeStructs.quantile(all.waiting(), 0.99), ProbeStructs.mean(all.cfsQueued()));
    }

    @Override
    public List<List<Object>> table() {
        List<List<Object>> rows = new ArrayList<>();
        rows.add(List.of("cpu", "length", "runqlen_samples", "rq_nr_running_samples", "cfs_queued_samples"));
        for (var e : perCpu().entrySet()) {
            long[] waiting = e.getValue().waiting();
            for (int n = 0; n < ProbeStructs.RUNQ_SLOTS; n++) {
                long rq = e.getValue().rqNrRunning()[n], cfs = e.getValue().cfsQueued()[n];
                if (waiting[n] + rq + cfs > 0) rows.add(List.of(e.getKey(), n, waiting[n], rq, cfs));
            }
        }
        return rows;
    }

    @Override
    public Object reading() {
        Map<String, Object> out = new TreeMap<>();
        out.put("sample_hz", sampleHz);
        Map<String, Object> cpus = new TreeMap<>();
        perCpu().forEach((cpu, h) -> cpus.put(String.valueOf(cpu), Map.of(
                "runqlen", h.waiting(), "rq_nr_running", h.rqNrRunning(), "cfs_queued", h.cfsQueued())));
        out.put("cpus", cpus);
        return out;
    }
}
