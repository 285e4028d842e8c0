package io.contextlab.platform.libc;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The one binding of epoll and eventfd. The calls the State Threads runtime's idle loop makes are
 * allocation-free: every call writes into caller-owned scratch memory (the runtime re-arms an
 * interest on every wait, so a per-call Arena would be measured with it). The overloads without
 * scratch allocate a confined Arena per call, for tests and set-up code only.
 */
public final class Epoll {
    public static final int EPOLLIN = 0x001;
    public static final int EPOLLOUT = 0x004;
    public static final int EPOLLERR = 0x008;
    public static final int EPOLLHUP = 0x010;
    public static final int EPOLLEXCLUSIVE = 1 << 28;
    public static final int EPOLLONESHOT = 1 << 30;
    public static final int EPOLLET = 1 << 31;
    public static final int CTL_ADD = 1;
    public static final int CTL_DEL = 2;
    public static final int CTL_MOD = 3;
    /** sizeof(struct epoll_event) on x86-64: packed, a 4-byte mask then the 8-byte data. */
    public static final int EVENT_BYTES = 12;

    private static final int EPOLL_CLOEXEC = 0x80000;
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;
    private static final ValueLayout.OfLong UNALIGNED_LONG = JAVA_LONG.withByteAlignment(1);

    private static final MethodHandle EPOLL_CREATE1 = Libc.downcall("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle EPOLL_CTL = Libc.downcall("epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle EPOLL_CTL_ERRNO = Libc.downcall("epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), Linker.Option.captureCallState("errno"));
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle EPOLL_WAIT = Libc.downcall("epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle EPOLL_PWAIT2 = Libc.downcall("epoll_pwait2",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle EVENTFD = Libc.downcall("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = Libc.downcall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = Libc.downcall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = Libc.downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private Epoll() {}

    /** A close-on-exec epoll instance. */
    public static int create() {
        try {
            int fd = (int) EPOLL_CREATE1.invokeExact(EPOLL_CLOEXEC);
            if (fd < 0) throw new IllegalStateException("epoll_create1 failed");
            return fd;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** epoll_ctl with data.u64 = tag, through a scratch segment of EVENT_BYTES; returns 0 or -1. */
    public static int ctl(int epfd, int op, int fd, int events, long tag, MemorySegment scratch) {
        scratch.set(JAVA_INT_UNALIGNED, 0, events);
        scratch.set(UNALIGNED_LONG, 4, tag);
        try {
            return (int) EPOLL_CTL.invokeExact(epfd, op, fd, scratch);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * epoll_pwait2 (Linux 5.11): the timeout is a timespec, so a sleep queue can wait to the
     * microsecond instead of epoll_wait's millisecond. events: an array of maxevents struct
     * epoll_event; timeoutNanos &lt; 0 waits for ever, 0 polls; timespec: 16 bytes of scratch.
     * Returns the number of events, or -1 (EINTR included).
     */
    public static int pwait2(int epfd, MemorySegment events, int maxevents, long timeoutNanos, MemorySegment timespec) {
        MemorySegment timeout = MemorySegment.NULL;
        if (timeoutNanos >= 0) {
            timespec.set(JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
            timespec.set(JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
            timeout = timespec;
        }
        try {
            return (int) EPOLL_PWAIT2.invokeExact(epfd, events, maxevents, timeout, MemorySegment.NULL);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** The tag (data.u64) of the i-th event an epoll wait reported. */
    public static long tagAt(MemorySegment events, int i) {
        return events.get(UNALIGNED_LONG, (long) i * EVENT_BYTES + 4);
    }

    /** The event bits (EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP) of the i-th event. */
    public static int eventsAt(MemorySegment events, int i) {
        return events.get(JAVA_INT_UNALIGNED, (long) i * EVENT_BYTES);
    }

    /** A non-blocking, close-on-exec eventfd: the one thing another thread may write to wake a runtime. */
    public static int eventfd() {
        try {
            int fd = (int) EVENTFD.invokeExact(0, EFD_NONBLOCK | EFD_CLOEXEC);
            if (fd < 0) throw new IllegalStateException("eventfd failed");
            return fd;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Adds 1 to an eventfd's counter (makes it readable); scratch: 8 bytes owned by the caller's thread. */
    public static void signal(int eventfd, MemorySegment scratch) {
        scratch.set(JAVA_LONG, 0, 1L);
        try {
            long ignored = (long) WRITE.invokeExact(eventfd, scratch, 8L);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Reads, and so resets, an eventfd's counter; scratch: 8 bytes. */
    public static void drain(int eventfd, MemorySegment scratch) {
        try {
            long ignored = (long) READ.invokeExact(eventfd, scratch, 8L);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    // ---- allocating overloads, for tests and set-up code ------------------------------------

    /** epoll_ctl with data.u64 = tag; returns 0 or -1 (the tests look at failures too). */
    public static int ctl(int epfd, int op, int fd, int events, long tag) {
        try (Arena arena = Arena.ofConfined()) {
            return ctl(epfd, op, fd, events, tag, arena.allocate(EVENT_BYTES));
        }
    }

    /**
     * EPOLL_CTL_ADD of fd (EPOLLIN) to epfd; returns 0 on success or the errno it failed with
     * (captured by FFM). A regular file has no wait queue to hook (its f_op has no poll), so the
     * kernel answers EPERM.
     */
    public static int addErrno(int epfd, int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment event = arena.allocate(EVENT_BYTES);
            event.set(JAVA_INT_UNALIGNED, 0, EPOLLIN);
            int rc = (int) EPOLL_CTL_ERRNO.invokeExact(state, epfd, CTL_ADD, fd, event);
            return rc == 0 ? 0 : (int) ERRNO.get(state, 0L);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** epoll_wait; returns the tags (data.u64) of the events reported. */
    public static long[] wait(int epfd, int maxevents, int timeoutMs) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment evs = arena.allocate((long) EVENT_BYTES * maxevents);
            int n = (int) EPOLL_WAIT.invokeExact(epfd, evs, maxevents, timeoutMs);
            if (n < 0) throw new IllegalStateException("epoll_wait failed");
            long[] tags = new long[n];
            for (int i = 0; i < n; i++) tags[i] = tagAt(evs, i);
            return tags;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Adds 1 to an eventfd's counter: makes it readable, and is an edge for EPOLLET. */
    public static void signal(int eventfd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(JAVA_LONG);
            one.set(JAVA_LONG, 0, 1L);
            if ((long) WRITE.invokeExact(eventfd, one, 8L) != 8) throw new IllegalStateException("eventfd write failed");
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Reads (and so resets) an eventfd's counter; returns it, or 0 if it was not readable. */
    public static long drain(int eventfd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_LONG);
            return (long) READ.invokeExact(eventfd, value, 8L) == 8 ? value.get(JAVA_LONG, 0) : 0;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    public static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}
