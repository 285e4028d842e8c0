package io.contextlab.tracing.libbpf;

import jnr.ffi.Pointer;

/** One program of a loaded {@link BpfObject}; owned by it (no close of its own). */
public final class BpfProgram {
    private final Pointer prog;
    private final String name;

    BpfProgram(Pointer prog) {
        this.prog = prog;
        this.name = Libbpf.api().bpf_program__name(prog);
    }

    public String name() {
        return name;
    }

    public int fd() {
        return Libbpf.api().bpf_program__fd(prog);
    }

    /** Attaches as its SEC() says (tp_btf/..., raw_tp/..., tp/...). */
    public BpfLink attach() {
        return link(Libbpf.api().bpf_program__attach(prog), "attach");
    }

    /** Attaches a SEC("perf_event") program to an open perf event; the link then owns that fd. */
    public BpfLink attachPerfEvent(int perfEventFd) {
        return link(Libbpf.api().bpf_program__attach_perf_event(prog, perfEventFd), "attach to perf event");
    }

    private BpfLink link(Pointer link, String what) {
        if (link == null) {
            throw BpfException.of(name + ": " + what, Libbpf.lastErrno());
        }
        return new BpfLink(link);
    }
}
