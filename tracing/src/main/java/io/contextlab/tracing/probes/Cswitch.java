package io.contextlab.tracing.probes;

import io.contextlab.tracing.libbpf.BpfMap;
import io.contextlab.tracing.probes.ProbeStructs.CswitchCounts;

import java.io.PrintStream;
import java.util.List;

/** cswitch.bpf.c: the target's threads switched out, voluntary and involuntary. */
public final class Cswitch extends Probe {
    private final BpfMap switches;

    /** @param targetTgid the process whose threads count, 0 for every process */
    public Cswitch(int targetTgid) {
        super("cswitch", targetTgid);
        this.switches = object.map("switches");
    }

    public CswitchCounts counts() {
        return switches.lookupPerCpu(0).stream().map(CswitchCounts::decode)
                .reduce(new CswitchCounts(0, 0), CswitchCounts::plus);
    }

    @Override
    public void clear() {
        switches.clear();
    }

    @Override
    public void print(PrintStream out) {
        CswitchCounts c = counts();
        out.printf("%ncontext switches: %d voluntary (blocked), %d involuntary (preempted)%n", c.voluntary(), c.involuntary());
    }

    @Override
    public List<List<Object>> table() {
        CswitchCounts c = counts();
        return List.of(List.of("voluntary", "involuntary"), List.of(c.voluntary(), c.involuntary()));
    }

    @Override
    public Object reading() {
        return counts();
    }
}
