package io.contextlab.tracing.probes;

import io.contextlab.tracing.libbpf.BpfMap;
import io.contextlab.tracing.probes.ProbeStructs.Log2Histogram;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** runqlat.bpf.c: wake-up (or preemption) to on-CPU latency of the target's threads, log2 ns. */
public final class Runqlat extends Probe {
    private final BpfMap latency;
    private final BpfMap enqueuedAt;

    /** @param targetTgid the process whose threads count, 0 for every process */
    public Runqlat(int targetTgid) {
        super("runqlat", targetTgid);
        this.latency = object.map("runq_latency");
        this.enqueuedAt = object.map("enqueued_at");
    }

    public Log2Histogram histogram() {
        return Log2Histogram.decode(latency.lookup(0));
    }

    @Override
    public void clear() {
        latency.clear();
        enqueuedAt.clear();
    }

    @Override
    public void print(PrintStream out) {
        Log2Histogram h = histogram();
        out.printf("%nrun-queue latency (wake-up or preemption to on-CPU), %d waits: p50 %.0f ns, p99 %.0f ns%n",
                h.total(), h.quantile(0.5), h.quantile(0.99));
        h.print(out, "nsecs");
    }

    @Override
    public List<List<Object>> table() {
        return log2Table(histogram(), "ns");
    }

    @Override
    public Object reading() {
        Log2Histogram h = histogram();
        return Map.of("unit", "ns", "slots", h.slots(), "count", h.total());
    }

    static List<List<Object>> log2Table(Log2Histogram h, String unit) {
        List<List<Object>> rows = new ArrayList<>();
        rows.add(List.of("low_" + unit, "high_" + unit, "count"));
        for (int i = 0; i < h.slots().length; i++) {
            if (h.slots()[i] > 0) rows.add(List.of(i == 0 ? 0 : 1L << i, (1L << (i + 1)) - 1, h.slots()[i]));
        }
        return rows;
    }
}
