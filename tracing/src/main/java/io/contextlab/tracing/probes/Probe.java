package io.contextlab.tracing.probes;

import io.contextlab.tracing.libbpf.BpfLink;
import io.contextlab.tracing.libbpf.BpfObject;
import io.contextlab.tracing.libbpf.BpfProgram;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One loaded .bpf.o: the loader half of a libbpf-tools tool. Constructing a probe loads it
 * (verifier included), {@link #attach()} and {@link #detach()} may then alternate (the JMH
 * profiler attaches per iteration), {@link #close()} unloads. Nothing survives the process: links
 * and programs are file descriptors, which the kernel releases when the process dies, even by
 * SIGKILL. One exception, the context tier under `lab run`: its programs and maps are pinned by
 * the run's host ({@link io.contextlab.tracing.ContextPins}) and a fork opens them by path; its
 * links are still the fork's fds.
 */
public abstract sealed class Probe implements AutoCloseable
        permits Context, Runqlen, Runqlat, Cswitch, Syscalls, Faults, Wakeups {
    protected final BpfObject object;
    private final String name;
    private final List<BpfLink> links = new ArrayList<>();

    protected Probe(String name, int targetTgid) {
        TracingSupport.require();
        this.name = name;
        BpfObject obj = BpfObject.open(TracingSupport.object(name));
        try {
            obj.setReadOnlyData(new ProbeStructs.ProbeConfig(targetTgid).toBytes());
            obj.load();
        } catch (RuntimeException e) {
            obj.close();
            throw e;
        }
        this.object = obj;
    }

    /** A probe whose programs and maps are in the kernel already (pinned): nothing to load, no object. */
    Probe(String name) {
        this.name = name;
        this.object = null;
    }

    /** The probe's name: its .bpf.c file's, lower case (runqlen, cswitch, ...). */
    public String name() {
        return name;
    }

    public final synchronized void attach() {
        if (!links.isEmpty()) return;
        links.addAll(attachPrograms());
    }

    /**
     * Attaches every program as its SEC() says; perf-event probes override. All or nothing: on a
     * failure the links made so far are closed before the exception leaves.
     */
    protected List<BpfLink> attachPrograms() {
        List<BpfLink> made = new ArrayList<>();
        try {
            for (BpfProgram program : object.programs()) made.add(program.attach());
        } catch (RuntimeException e) {
            made.forEach(BpfLink::close);
            throw e;
        }
        return made;
    }

    public final synchronized void detach() {
        links.forEach(BpfLink::close);
        links.clear();
    }

    public final synchronized boolean attached() {
        return !links.isEmpty();
    }

    /** Link fds, for a test that checks the kernel's view (/proc/self/fdinfo has link_id). */
    public final synchronized List<Integer> linkFds() {
        return links.stream().map(BpfLink::fd).toList();
    }

    /** Program fds (/proc/self/fdinfo/<fd> has prog_id). */
    public List<Integer> programFds() {
        return object.programs().stream().map(BpfProgram::fd).toList();
    }

    /** The kernel's run-time accounting of each of this probe's programs (counted while stats are enabled). */
    public List<BpfProgram.RunStats> runStats() {
        return object.programs().stream().map(BpfProgram::runStats).toList();
    }

    /** Zeroes the counters and forgets in-flight timestamps. */
    public abstract void clear();

    /** What the probe holds now, bcc-style, for a terminal. */
    public abstract void print(PrintStream out);

    /** What the probe holds now as a table (CSV header first), for a run directory. */
    public abstract List<List<Object>> table();

    /** What the probe holds now as a JSON-able value (records, maps, numbers). */
    public abstract Object reading();

    @Override
    public final synchronized void close() {
        detach();
        if (object != null) object.close();
        closeResources();
    }

    /** What a probe holds besides its object (the fds of pinned programs and maps). */
    void closeResources() {}
}
