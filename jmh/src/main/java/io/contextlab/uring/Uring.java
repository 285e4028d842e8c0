package io.contextlab.uring;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.contextlab.natives.NativeLibrary;
import io.contextlab.natives.SyscallCounter;
import io.contextlab.platform.libc.Epoll;
import io.contextlab.platform.libc.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Binding to uring.c: io_uring rings (plain or SQPOLL) and the loops measured over them — NOPs
 * in batches, and small reads from /dev/zero, a pipe or a page-cached file, through the ring
 * and through read(2).
 */
public final class Uring {
    /** Where the reads come from; the ordinal is uring.c's kind. */
    public enum Source { DEV_ZERO, PIPE, FILE }

    private static final int EPERM = 1;
    private static final int ENOSYS = 38;

    private static final MethodHandle OPEN = NativeLibrary.downcall("cl_uring_open",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE = NativeLibrary.downcall("cl_uring_close", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle NOP_LOOP = NativeLibrary.downcall("cl_uring_nop_loop",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS));
    private static final MethodHandle SOURCE_OPEN = NativeLibrary.downcall("cl_source_open",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT));
    private static final MethodHandle SOURCE_CLOSE = NativeLibrary.downcall("cl_source_close", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle PIPE_CAPACITY = NativeLibrary.downcall("cl_source_pipe_capacity",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    private static final MethodHandle READ_LOOP = NativeLibrary.downcall("cl_source_read_loop",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle URING_READ_LOOP = NativeLibrary.downcall("cl_uring_read_loop",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS));

    private static final MemorySegment NOP_COUNTED = NativeLibrary.symbol("cl_uring_nop_counted");

    private Uring() {}

    /** An io_uring instance owned by uring.c. */
    public record Ring(MemorySegment handle, int entries, boolean sqpoll) implements AutoCloseable {
        @Override
        public void close() {
            try { CLOSE.invokeExact(handle); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
        }
    }

    /** Thrown when the kernel refuses a ring (SQPOLL without the privilege, io_uring disabled). */
    public static final class Refused extends IllegalStateException {
        public final int errno;

        Refused(String message, int errno) {
            super(message);
            this.errno = errno;
        }
    }

    /** A plain ring (every submission is an io_uring_enter). */
    public static Ring open(int entries) {
        return open(entries, false, -1);
    }

    /** A ring with a submission-polling kernel thread, bound to sqCpu when sqCpu >= 0. */
    public static Ring openSqpoll(int entries, int sqCpu) {
        return open(entries, true, sqCpu);
    }

    private static Ring open(int entries, boolean sqpoll, int sqCpu) {
        long rc;
        try {
            rc = (long) OPEN.invokeExact(entries, sqpoll ? 1 : 0, sqCpu);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
        if (rc < 0) {
            int errno = (int) -rc;
            String what = sqpoll ? "io_uring with SQPOLL" : "io_uring";
            String fix = switch (errno) {
                case EPERM -> sqpoll
                        ? ": SQPOLL needs CAP_SYS_NICE before Linux 5.11 (run as root), or kernel.io_uring_disabled forbids it"
                        : ": kernel.io_uring_disabled forbids it for this user (sysctl kernel.io_uring_disabled=0, as root)";
                case ENOSYS -> ": this kernel has no io_uring (CONFIG_IO_URING) or it is disabled (kernel.io_uring_disabled=2)";
                default -> "";
            };
            throw new Refused("cannot set up " + what + ": " + Libc.strerror(errno) + fix, errno);
        }
        return new Ring(MemorySegment.ofAddress(rc), entries, sqpoll);
    }

    /** ops NOPs (a multiple of batch), batch per submission; returns the completions reaped. */
    public static long nops(Ring ring, long ops, int batch) {
        try {
            return check((long) NOP_LOOP.invokeExact(ring.handle(), ops, batch, MemorySegment.NULL), "IORING_OP_NOP");
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** As {@link #nops}, counting each completion per user_data (0..ops-1): the tests' view. */
    public static int[] nopTally(Ring ring, int ops, int batch) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tally = arena.allocate(JAVA_INT, ops);
            check((long) NOP_LOOP.invokeExact(ring.handle(), (long) ops, batch, tally), "IORING_OP_NOP");
            return tally.toArray(JAVA_INT);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** System calls per NOP of the ring's loop at this batch size (perf tracepoint counting). */
    public static double syscallsPerNop(Ring ring, int batch, int ops) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment context = arena.allocate(16);
            context.set(ADDRESS, 0, ring.handle());
            context.set(JAVA_INT, 8, batch);
            int rounded = ops - ops % batch;
            return (double) SyscallCounter.count(NOP_COUNTED, context, rounded).all() / rounded;
        }
    }

    // ---- read sources -------------------------------------------------------------------

    /** A source of reads of `size` bytes with buffers for `slots` reads in flight. */
    public record Reader(MemorySegment handle, Source source, int size, int slots) implements AutoCloseable {
        /** The pipe's capacity in bytes (0 for the other sources). */
        public long pipeCapacity() {
            try { return (long) PIPE_CAPACITY.invokeExact(handle); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
        }

        @Override
        public void close() {
            try { SOURCE_CLOSE.invokeExact(handle); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
        }
    }

    /** /dev/zero or a pipe (file = null), or the file at `file`, whose reads walk [0, span). */
    public static Reader reader(Source source, String file, long span, int size, int slots) {
        long rc;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = file == null ? MemorySegment.NULL : arena.allocateFrom(file);
            rc = (long) SOURCE_OPEN.invokeExact(source.ordinal(), path, span, size, slots);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
        if (rc < 0) throw new IllegalStateException("cannot open " + (file != null ? file : source) + ": " + Libc.strerror((int) -rc));
        return new Reader(MemorySegment.ofAddress(rc), source, size, slots);
    }

    /** ops read(2)/pread(2) calls; returns the bytes read. */
    public static long reads(Reader reader, long ops) {
        try {
            return check((long) READ_LOOP.invokeExact(reader.handle(), ops, MemorySegment.NULL), "read");
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** ops reads through the ring, batch per submission; returns the bytes read. */
    public static long uringReads(Ring ring, Reader reader, long ops, int batch) {
        try {
            return check((long) URING_READ_LOOP.invokeExact(ring.handle(), reader.handle(), ops, batch, MemorySegment.NULL),
                    "IORING_OP_READ");
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** {bytes read, sum of each read's first byte}: what the tests compare with the data. */
    public static long[] checkedReads(Ring ring, Reader reader, long ops, int batch) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment firsts = arena.allocate(JAVA_LONG);
            long bytes = ring == null
                    ? (long) READ_LOOP.invokeExact(reader.handle(), ops, firsts)
                    : (long) URING_READ_LOOP.invokeExact(ring.handle(), reader.handle(), ops, batch, firsts);
            return new long[] {check(bytes, ring == null ? "read" : "IORING_OP_READ"), firsts.get(JAVA_LONG, 0)};
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    // ---- the regular-file case epoll cannot handle ---------------------------------------

    /**
     * EPOLL_CTL_ADD of fd (EPOLLIN) to epfd; returns 0 on success or the errno it failed with.
     * A regular file has no wait queue to hook (its f_op has no poll), so the kernel answers
     * EPERM: readiness cannot be waited for on a file, it is always "ready".
     */
    public static int epollAddErrno(int epfd, int fd) {
        return Epoll.addErrno(epfd, fd);
    }

    private static long check(long rc, String what) {
        if (rc < 0) throw new IllegalStateException(what + " failed: " + Libc.strerror((int) -rc));
        return rc;
    }
}
