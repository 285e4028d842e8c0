package io.contextlab.tracing.libbpf;

import io.contextlab.tracing.libbpf.BpfProgram.RunStats;

import java.lang.foreign.Arena;
import java.nio.file.Path;

/**
 * Programs and maps by file descriptor, for objects loaded once and pinned in bpffs by another
 * process: pin, get a pinned object back, attach a program by its fd. The fds returned are the
 * caller's to close ({@link Libbpf#closeFd(int)}); links close themselves.
 */
public final class Pinned {
    /** enum bpf_attach_type (uapi linux/bpf.h): BPF_PERF_EVENT. */
    private static final int BPF_PERF_EVENT = 41;

    private static final Libbpf.Fn MOUNT = Libbpf.Fn.libc("mount", true);

    private Pinned() {}

    /** mount -t bpf bpf {@code dir}: what bpftool does when it finds no bpffs to pin in. */
    public static void mountBpffs(Path dir) {
        long rc;
        try (Arena arena = Arena.ofConfined()) {
            rc = MOUNT.callE(arena.allocateFrom("bpf").address(), arena.allocateFrom(dir.toString()).address(),
                    arena.allocateFrom("bpf").address(), 0, 0, 0);
        }
        if (rc != 0) throw BpfException.of("mount -t bpf bpf " + dir, Libbpf.lastErrno());
    }

    /** bpf_obj_pin: the program or map behind {@code fd} at {@code path} (in a bpffs). */
    public static void pin(int fd, Path path) {
        Libbpf.require();
        int rc;
        try (Arena arena = Arena.ofConfined()) {
            rc = (int) Libbpf.OBJ_PIN.call(fd, arena.allocateFrom(path.toString()).address());
        }
        if (rc < 0) throw BpfException.of("pinning at " + path, rc);
    }

    /** bpf_obj_get: a new fd of the program or map pinned at {@code path}. */
    public static int get(Path path) {
        Libbpf.require();
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = (int) Libbpf.OBJ_GET.call(arena.allocateFrom(path.toString()).address());
        }
        if (fd < 0) throw BpfException.of("opening the pinned " + path, fd);
        return fd;
    }

    /**
     * Attaches a tp_btf (or raw_tp with its tracepoint known from load) program by fd:
     * bpf_raw_tracepoint_open(NULL, fd), the tracepoint being the one the program was loaded for.
     */
    public static BpfLink attachTracing(int programFd, String name) {
        int fd = (int) Libbpf.RAW_TRACEPOINT_OPEN.call(0, programFd);
        if (fd < 0) throw BpfException.of(name + ": attach", fd);
        return BpfLink.ofFd(fd, -1);
    }

    /** Attaches a perf_event program to an open perf event (bpf_link_create, BPF_PERF_EVENT); the link then owns that fd. */
    public static BpfLink attachPerfEvent(int programFd, int perfEventFd, String name) {
        int fd = (int) Libbpf.LINK_CREATE.call(programFd, perfEventFd, BPF_PERF_EVENT, 0);
        if (fd < 0) throw BpfException.of(name + ": attach to perf event", fd);
        return BpfLink.ofFd(fd, perfEventFd);
    }

    /** The kernel's run-time accounting of the program behind {@code programFd}. */
    public static RunStats runStats(int programFd, String name) {
        return BpfProgram.runStats(programFd, name);
    }
}
