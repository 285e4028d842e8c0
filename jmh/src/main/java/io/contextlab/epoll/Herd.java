package io.contextlab.epoll;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.contextlab.natives.NativeLibrary;
import io.contextlab.platform.libc.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** Binding to herd.c: k waiter threads on one 127.0.0.1 port, and a client that counts their wake-ups. */
public final class Herd implements AutoCloseable {
    /** How the waiters wait; the ordinal is herd.c's HERD_* value. */
    public enum Mode {
        /** all block in accept(2) on one listener */
        ACCEPT,
        /** all in epoll_wait on one shared epoll fd (level-triggered) */
        SHARED_EPOLL,
        /** one epoll fd each, no EPOLLEXCLUSIVE: every waiter is woken */
        EPOLL_EACH,
        /** one epoll fd each, listener added with EPOLLEXCLUSIVE */
        EPOLL_EXCLUSIVE,
        /** one SO_REUSEPORT listener each, blocking accept */
        REUSEPORT
    }

    /**
     * One round's counts (this round only). wakeups: returns from accept/epoll_wait;
     * kernelWakeups: the waiters' voluntary context switches, i.e. every sleep that a wake-up
     * ended, including those the kernel absorbed without returning to user space.
     */
    public record Round(long connections, long wakeups, long spurious, long latencyNs,
                        long maxWaiterAccepts, long idleWaiters, long sumSquaredAccepts, long kernelWakeups,
                        long[] perWaiterAccepts) {
        public long accepted() {
            long sum = 0;
            for (long a : perWaiterAccepts) sum += a;
            return sum;
        }
    }

    private static final int OUT_PER_WAITER = 8;
    private static final int ETIMEDOUT = 110;

    private static final MethodHandle START = NativeLibrary.downcall("cl_herd_start",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle STOP = NativeLibrary.downcall("cl_herd_stop", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle PORT = NativeLibrary.downcall("cl_herd_port", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle ROUND = NativeLibrary.downcall("cl_herd_round",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));

    private final MemorySegment handle;
    private final int waiters;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment out;

    private Herd(MemorySegment handle, int waiters) {
        this.handle = handle;
        this.waiters = waiters;
        this.out = arena.allocate(JAVA_LONG, OUT_PER_WAITER + waiters);
    }

    /** Starts `waiters` threads waiting in `mode`; pinCpu >= 0 pins them (and the client) to that CPU. */
    public static Herd start(Mode mode, int waiters, int pinCpu) {
        long rc;
        try { rc = (long) START.invokeExact(mode.ordinal(), waiters, pinCpu); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
        if (rc < 0) throw new IllegalStateException("cannot start " + waiters + " waiters (" + mode + ") on 127.0.0.1: " + Libc.strerror((int) -rc));
        return new Herd(MemorySegment.ofAddress(rc), waiters);
    }

    public int port() {
        try { return (int) PORT.invokeExact(handle); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /**
     * Makes `connections` connections one at a time from the calling thread, each waited for
     * (at most timeoutMs) and followed by gapUs of quiet, and returns what the waiters counted.
     */
    public Round round(int connections, int gapUs, int timeoutMs) {
        int rc;
        try { rc = (int) ROUND.invokeExact(handle, connections, gapUs, timeoutMs, out); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
        if (rc == -ETIMEDOUT) throw new IllegalStateException("a connection to 127.0.0.1:" + port() + " was not accepted within " + timeoutMs + " ms");
        if (rc < 0) throw new IllegalStateException("herd client failed: " + Libc.strerror(-rc));
        long[] perWaiter = new long[waiters];
        for (int i = 0; i < waiters; i++) perWaiter[i] = out.getAtIndex(JAVA_LONG, OUT_PER_WAITER + i);
        return new Round(out.getAtIndex(JAVA_LONG, 0), out.getAtIndex(JAVA_LONG, 1), out.getAtIndex(JAVA_LONG, 2),
                out.getAtIndex(JAVA_LONG, 3), out.getAtIndex(JAVA_LONG, 4), out.getAtIndex(JAVA_LONG, 5),
                out.getAtIndex(JAVA_LONG, 6), out.getAtIndex(JAVA_LONG, 7), perWaiter);
    }

    /** Wakes and joins every waiter, closes every fd. */
    @Override
    public void close() {
        try { STOP.invokeExact(handle); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
        arena.close();
    }
}
