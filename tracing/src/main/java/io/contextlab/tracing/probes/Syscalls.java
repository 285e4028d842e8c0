package io.contextlab.tracing.probes;

import io.contextlab.tracing.libbpf.BpfMap;
import io.contextlab.tracing.probes.ProbeStructs.SyscallStat;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** syscalls.bpf.c: count and total latency per syscall of the target process. */
public final class Syscalls extends Probe {
    private final BpfMap bySyscall;
    private final BpfMap enteredAt;

    /** @param targetTgid the process whose syscalls count, 0 for every process */
    public Syscalls(int targetTgid) {
        super("syscalls", targetTgid);
        this.bySyscall = object.map("by_syscall");
        this.enteredAt = object.map("entered_at");
    }

    /** Syscalls seen at least once, most frequent first. */
    public List<SyscallStat> stats() {
        List<SyscallStat> out = new ArrayList<>();
        for (int nr = 0; nr < ProbeStructs.MAX_SYSCALLS; nr++) {
            byte[] value = bySyscall.lookup(nr);
            if (value == null) continue;
            SyscallStat stat = SyscallStat.decode(nr, value);
            if (stat.count() > 0) out.add(stat);
        }
        out.sort(Comparator.comparingLong(SyscallStat::count).reversed());
        return out;
    }

    public long total() {
        return stats().stream().mapToLong(SyscallStat::count).sum();
    }

    public long count(String syscall) {
        return stats().stream().filter(s -> s.name().equals(syscall)).mapToLong(SyscallStat::count).sum();
    }

    @Override
    public void clear() {
        bySyscall.clear();
        enteredAt.clear();
    }

    @Override
    public void print(PrintStream out) {
        out.printf("%n%-22s %10s %14s %12s%n", "SYSCALL", "COUNT", "TOTAL ns", "MEAN ns");
        for (SyscallStat s : stats()) {
            out.printf("%-22s %10d %14d %12.0f%n", s.name(), s.count(), s.totalNs(), (double) s.totalNs() / s.count());
        }
    }

    @Override
    public List<List<Object>> table() {
        List<List<Object>> rows = new ArrayList<>();
        rows.add(List.of("nr", "syscall", "count", "total_ns"));
        for (SyscallStat s : stats()) rows.add(List.of(s.nr(), s.name(), s.count(), s.totalNs()));
        return rows;
    }

    @Override
    public Object reading() {
        return stats();
    }
}
