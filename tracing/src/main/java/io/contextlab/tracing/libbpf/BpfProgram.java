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

    /** struct bpf_prog_info (uapi linux/bpf.h): run_time_ns at 192, run_cnt at 200. */
    private static final int INFO_SIZE = 232, RUN_TIME_NS = 192, RUN_CNT = 200;

    /** The kernel's accounting of this program: total run time and runs, counted while stats are enabled. */
    public record RunStats(long runTimeNs, long runCount) {
        public RunStats minus(RunStats earlier) {
            return new RunStats(runTimeNs - earlier.runTimeNs, runCount - earlier.runCount);
        }
    }

    /** bpf_obj_get_info_by_fd: the program's run_time_ns and run_cnt now. */
    public RunStats runStats() {
        var memory = Libbpf.runtime().getMemoryManager();
        Pointer info = memory.allocateDirect(INFO_SIZE, true);
        Pointer len = memory.allocateDirect(4, true);
        len.putInt(0, INFO_SIZE);
        int rc = Libbpf.api().bpf_obj_get_info_by_fd(fd(), info, len);
        if (rc < 0) throw BpfException.of(name + ": bpf_obj_get_info_by_fd", rc);
        return new RunStats(info.getLong(RUN_TIME_NS), info.getLong(RUN_CNT));
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
