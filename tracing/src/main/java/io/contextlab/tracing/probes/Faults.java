package io.contextlab.tracing.probes;

import io.contextlab.tracing.libbpf.BpfMap;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** faults.bpf.c: page faults the target process took in user mode. */
public final class Faults extends Probe {
    private final BpfMap userFaults;

    /** @param targetTgid the process whose faults count, 0 for every process */
    public Faults(int targetTgid) {
        super("faults", targetTgid);
        this.userFaults = object.map("user_faults");
    }

    public long userFaults() {
        return userFaults.lookupPerCpu(0).stream().mapToLong(b -> b.getLong(0)).sum();
    }

    @Override
    public void clear() {
        userFaults.clear();
    }

    @Override
    public void print(PrintStream out) {
        out.printf("%nuser page faults: %d%n", userFaults());
    }

    @Override
    public List<List<Object>> table() {
        return List.of(List.of("user_faults"), List.of(userFaults()));
    }

    @Override
    public Object reading() {
        return Map.of("user_faults", userFaults());
    }
}
