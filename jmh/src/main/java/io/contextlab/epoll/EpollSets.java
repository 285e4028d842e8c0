package io.contextlab.epoll;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.contextlab.natives.NativeLibrary;
import io.contextlab.platform.libc.Libc;
import io.contextlab.platform.libc.Rlimit;
import io.contextlab.platform.proc.ProcFs;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Binding to epoll.c (epoll sets and the loops measured over them) and the sizing of "max" sets
 * from RLIMIT_NOFILE. The raw libc calls (epoll_create1, epoll_ctl, epoll_wait, eventfd) are
 * io.contextlab.platform.libc.Epoll's.
 */
public final class EpollSets {

    /** fds kept free for the JVM (jars, sockets of the JMH link, /proc reads) when sizing "max". */
    public static final int FD_HEADROOM = 256;

    /** "max" stops at 2^20 (~1M, the kernel's default fs.nr_open) even where the limit is higher. */
    public static final int MAX_COUNT = 1 << 20;

    private static final int EMFILE = 24;

    private static final FunctionDescriptor SET_LOOP = FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG);
    private static final FunctionDescriptor SET_LOOP_R_MAX = FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT);
    private static final FunctionDescriptor SET_LOOP_I = FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT);

    private static final MethodHandle OPEN = NativeLibrary.downcall("cl_epset_open",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE_SET = NativeLibrary.downcall("cl_epset_close", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle SET_EPFD = NativeLibrary.downcall("cl_epset_epfd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle SET_FD = NativeLibrary.downcall("cl_epset_fd", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle MAKE_READY = NativeLibrary.downcall("cl_epset_make_ready",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT));
    private static final MethodHandle CTL_ADD_DEL = NativeLibrary.downcall("cl_epoll_ctl_add_del", SET_LOOP);
    private static final MethodHandle CTL_MOD_LOOP = NativeLibrary.downcall("cl_epoll_ctl_mod", SET_LOOP);
    private static final MethodHandle CTL_BASELINE = NativeLibrary.downcall("cl_epoll_ctl_baseline", SET_LOOP);
    private static final MethodHandle WAIT_ROUNDS = NativeLibrary.downcall("cl_epoll_wait_rounds", SET_LOOP_R_MAX);
    private static final MethodHandle WAIT_ONCE = NativeLibrary.downcall("cl_epoll_wait_once", SET_LOOP_I);
    private static final MethodHandle WAIT_EDGES = NativeLibrary.downcall("cl_epoll_wait_edges", SET_LOOP_R_MAX);
    private static final MethodHandle WAIT_ONESHOT = NativeLibrary.downcall("cl_epoll_wait_oneshot", SET_LOOP_R_MAX);
    private static final MethodHandle WRITE_ROUNDS = NativeLibrary.downcall("cl_eventfd_write_rounds", SET_LOOP_I);
    private static final MethodHandle BLOCKING_READS = NativeLibrary.downcall("cl_epoll_blocking_reads",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle ADD_DEL_WAIT = NativeLibrary.downcall("cl_epoll_add_del_wait", SET_LOOP);


    private EpollSets() {}

    // ---- sizing from RLIMIT_NOFILE ---------------------------------------------------------

    /**
     * The N a parameter value stands for: a number, or "max" = as many as the soft limit (first
     * raised to the hard one) leaves after the fds open now, FD_HEADROOM and `extra` (what the
     * benchmark opens besides: spares, epoll fds). `fdsPerUnit`: fds one unit of N costs (1 for
     * an eventfd, 2 for a pipe). On a machine with a hard limit of 1M or more, "max" is ~1M
     * (capped at MAX_COUNT).
     */
    public static int resolveCount(String value, int fdsPerUnit, int extra) {
        if (!value.equals("max")) return Integer.parseInt(value);
        long soft = Rlimit.raiseFdLimitToHard();
        long free = soft - ProcFs.openFds() - FD_HEADROOM - extra;
        return (int) Math.min(MAX_COUNT, Math.max(1, free / fdsPerUnit));
    }

    // ---- epoll sets ------------------------------------------------------------------------

    /** An epoll instance with n registered eventfds (and unregistered spares), owned by epoll.c. */
    public record Set(MemorySegment handle, int n, int spares) implements AutoCloseable {
        public int epfd() {
            try { return (int) SET_EPFD.invokeExact(handle); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
        }

        public int fd(int index) {
            try { return (int) SET_FD.invokeExact(handle, index); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
        }

        @Override
        public void close() {
            try { CLOSE_SET.invokeExact(handle); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
        }
    }

    /** Opens a set of n eventfds registered with EPOLLIN|flags, plus `spares` unregistered ones. */
    public static Set open(int n, int flags, int spares) {
        long rc;
        try {
            rc = (long) OPEN.invokeExact(n, flags, spares);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
        if (rc < 0) {
            String why = -rc == EMFILE
                    ? " (RLIMIT_NOFILE is " + Rlimit.fdLimit()[0] + ": ask for a smaller n, or raise the hard limit with ulimit -Hn as root)"
                    : "";
            throw new IllegalStateException("cannot register " + n + " eventfds in one epoll: " + Libc.strerror((int) -rc) + why);
        }
        return new Set(MemorySegment.ofAddress(rc), n, spares);
    }

    /** Makes registered fds [0, r) readable; nothing in the loops below ever reads them back. */
    public static void makeReady(Set set, int r) {
        try { check((long) MAKE_READY.invokeExact(set.handle(), r), "eventfd write"); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /** iters × (EPOLL_CTL_ADD + EPOLL_CTL_DEL of a spare); returns 2 × iters. */
    public static long ctlAddDel(Set set, long iters) {
        try { return check((long) CTL_ADD_DEL.invokeExact(set.handle(), iters), "epoll_ctl ADD/DEL"); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /** iters × EPOLL_CTL_MOD of the registered fds in turn; returns iters. */
    public static long ctlMod(Set set, long iters) {
        try { return check((long) CTL_MOD_LOOP.invokeExact(set.handle(), iters), "epoll_ctl MOD"); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /** The ctlMod loop without the system call. */
    public static long ctlBaseline(Set set, long iters) {
        try { return (long) CTL_BASELINE.invokeExact(set.handle(), iters); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /** rounds × (collect r events, maxevents per epoll_wait call); returns events collected. */
    public static long waitRounds(Set set, long rounds, int r, int maxevents) {
        try { return check((long) WAIT_ROUNDS.invokeExact(set.handle(), rounds, r, maxevents), "epoll_wait"); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /** rounds × one epoll_wait(timeout 0); returns events returned. */
    public static long waitOnce(Set set, long rounds, int maxevents) {
        try { return check((long) WAIT_ONCE.invokeExact(set.handle(), rounds, maxevents), "epoll_wait"); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /** rounds × (write r eventfds, collect r events): the edge-triggered round. */
    public static long waitEdges(Set set, long rounds, int r, int maxevents) {
        try { return check((long) WAIT_EDGES.invokeExact(set.handle(), rounds, r, maxevents), "eventfd write / epoll_wait"); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /** rounds × (collect r events, EPOLL_CTL_MOD each to re-arm it): the EPOLLONESHOT round. */
    public static long waitOneShot(Set set, long rounds, int r, int maxevents) {
        try { return check((long) WAIT_ONESHOT.invokeExact(set.handle(), rounds, r, maxevents), "epoll_wait / epoll_ctl MOD"); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /** rounds × r eventfd writes to unregistered spares: the edge-making alone. */
    public static long writeRounds(Set set, long rounds, int r) {
        try { return check((long) WRITE_ROUNDS.invokeExact(set.handle(), rounds, r), "eventfd write"); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /** iters × (ADD spare, epoll_wait, DEL spare, epoll_wait). */
    public static long addWaitDelWait(Set set, long iters) {
        try { return check((long) ADD_DEL_WAIT.invokeExact(set.handle(), iters), "epoll_ctl / epoll_wait"); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    private static long check(long rc, String what) {
        if (rc < 0) throw new IllegalStateException(what + " failed: " + Libc.strerror((int) -rc));
        return rc;
    }

    /** How a loop reads a blocking socket after epoll reports it (see epoll.c, cl_epoll_blocking_reads). */
    public enum ReadDiscipline { LEVEL_ONE_READ_PER_REPORT, EDGE_DRAIN_AFTER_REPORT, EDGE_ONE_READ_PER_REPORT }

    /** What the loop saw: waits that reported the fd, reads that returned a byte, reads that blocked until the timeout. */
    public record BlockingReads(long reports, long bytesRead, long blockedReads) {}

    /** `bytes` bytes on a blocking socketpair end (SO_RCVTIMEO = timeoutMs), read under the discipline. */
    public static BlockingReads blockingReads(ReadDiscipline discipline, int bytes, int timeoutMs) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG, 3);
            int rc = (int) BLOCKING_READS.invokeExact(discipline.ordinal(), bytes, timeoutMs, out);
            if (rc < 0) throw new IllegalStateException("blocking reads under epoll failed: " + Libc.strerror(-rc));
            return new BlockingReads(out.getAtIndex(JAVA_LONG, 0), out.getAtIndex(JAVA_LONG, 1), out.getAtIndex(JAVA_LONG, 2));
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }
}
