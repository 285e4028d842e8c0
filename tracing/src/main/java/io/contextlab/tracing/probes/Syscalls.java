package io.contextlab.tracing.probes;

import io.contextlab.tracing.libbpf.BpfLink;
import io.contextlab.tracing.libbpf.BpfMap;
import io.contextlab.tracing.probes.ProbeStructs.SyscallStat;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * syscalls.bpf.c: count and total latency per syscall of the target process. Count-only mode
 * attaches the exit program alone: every syscall of every process then runs one BPF program, not
 * two (the JMH profiler's choice, since it reports counts).
 */
public final class Syscalls extends Probe {
    private final BpfMap bySyscall;
    private final boolean withLatency;

    /** @param targetTgid the process whose syscalls count, 0 for every process */
    public Syscalls(int targetTgid) {
        this(targetTgid, true);
    }

    /** @param withLatency false: counts only (total_ns stays 0), at half the cost per syscall */
    public Syscalls(int targetTgid, boolean withLatency) {
        super("syscalls", targetTgid);
        this.withLatency = withLatency;
        this.bySyscall = object.map("by_syscall");
    }

    @Override
    protected List<BpfLink> attachPrograms() {
        if (withLatency) return super.attachPrograms();
        return List.of(object.program("syscalls_exit").attach());
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
        // entered_at is task storage: not iterable from user space, and needs no clearing (the
        // exit program zeroes each entry it consumes).
        bySyscall.clear();
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
