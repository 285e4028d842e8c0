package io.contextlab.tracing.libbpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** One program of a loaded {@link BpfObject}; owned by it (no close of its own). */
public final class BpfProgram {
    private final MemorySegment prog;
    private final String name;

    BpfProgram(MemorySegment prog) {
        this.prog = prog;
        this.name = Libbpf.string(Libbpf.PROGRAM_NAME.call(prog.address()));
    }

    public String name() {
        return name;
    }

    public int fd() {
        return (int) Libbpf.PROGRAM_FD.call(prog.address());
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
        return runStats(fd(), name);
    }

    static RunStats runStats(int fd, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(INFO_SIZE, 8);   // zeroed
            MemorySegment len = arena.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, INFO_SIZE);
            int rc = (int) Libbpf.OBJ_GET_INFO_BY_FD.call(fd, info.address(), len.address());
            if (rc < 0) throw BpfException.of(name + ": bpf_obj_get_info_by_fd", rc);
            return new RunStats(info.get(JAVA_LONG, RUN_TIME_NS), info.get(JAVA_LONG, RUN_CNT));
        }
    }

    /** Attaches as its SEC() says (tp_btf/..., raw_tp/..., tp/...). */
    public BpfLink attach() {
        return link(Libbpf.PROGRAM_ATTACH.callE(prog.address(), 0), "attach");
    }

    /** Attaches a SEC("perf_event") program to an open perf event; the link then owns that fd. */
    public BpfLink attachPerfEvent(int perfEventFd) {
        return link(Libbpf.PROGRAM_ATTACH_PERF_EVENT.callE(prog.address(), perfEventFd), "attach to perf event");
    }

    private BpfLink link(long link, String what) {
        if (link == 0) {
            throw BpfException.of(name + ": " + what, Libbpf.lastErrno());
        }
        return new BpfLink(Libbpf.ptr(link));
    }
}
