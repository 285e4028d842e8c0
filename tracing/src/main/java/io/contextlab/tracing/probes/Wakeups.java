package io.contextlab.tracing.probes;

import io.contextlab.tracing.libbpf.BpfMap;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** wakeups.bpf.c: sched_wakeup of the target's threads, per woken thread. */
public final class Wakeups extends Probe {
    private final BpfMap byTid;

    /** @param targetTgid the process whose woken threads count, 0 for every process */
    public Wakeups(int targetTgid) {
        super("wakeups", targetTgid);
        this.byTid = object.map("wakeups_by_tid");
    }

    /** Wake-ups per thread id. */
    public Map<Integer, Long> perThread() {
        Map<Integer, Long> out = new TreeMap<>();
        for (byte[] key : byTid.keys()) {
            byte[] value = byTid.lookup(key);
            if (value == null) continue;
            out.put(ProbeStructs.le(key).getInt(), ProbeStructs.le(value).getLong());
        }
        return out;
    }

    public long total() {
        return perThread().values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public void clear() {
        byTid.clear();
    }

    @Override
    public void print(PrintStream out) {
        Map<Integer, Long> per = perThread();
        out.printf("%nwake-ups: %d, of %d threads%n", per.values().stream().mapToLong(Long::longValue).sum(), per.size());
        per.entrySet().stream().sorted(Map.Entry.<Integer, Long>comparingByValue().reversed()).limit(20)
                .forEach(e -> out.printf("  tid %-8d %10d%n", e.getKey(), e.getValue()));
    }

    @Override
    public List<List<Object>> table() {
        List<List<Object>> rows = new ArrayList<>();
        rows.add(List.of("tid", "wakeups"));
        perThread().forEach((tid, n) -> rows.add(List.of(tid, n)));
        return rows;
    }

    @Override
    public Object reading() {
        return perThread();
    }
}
