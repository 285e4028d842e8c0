package io.contextlab.epoll;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.contextlab.natives.NativeLibrary;
import io.contextlab.platform.libc.Libc;
import io.contextlab.platform.libc.Rlimit;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** Binding to pollselect.c: poll(2) and select(2) over n eventfds of which the last is readable. */
public final class PollSelect {
    /** glibc's FD_SETSIZE: select(2) cannot name a descriptor at or above it. */
    public static final int FD_SETSIZE = 1024;
    private static final int ERANGE = 34;

    private static final FunctionDescriptor LOOP = FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG);
    private static final MethodHandle OPEN = NativeLibrary.downcall("cl_scanset_open", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = NativeLibrary.downcall("cl_scanset_close", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle POLL = NativeLibrary.downcall("cl_poll_rounds", LOOP);
    private static final MethodHandle SELECT = NativeLibrary.downcall("cl_select_rounds", LOOP);
    private static final MethodHandle SELECT_BASELINE = NativeLibrary.downcall("cl_select_copy_baseline", LOOP);

    private PollSelect() {}

    /** n eventfds, the last one readable. */
    public record ScanSet(MemorySegment handle, int n) implements AutoCloseable {
        @Override
        public void close() {
            try { CLOSE.invokeExact(handle); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
        }
    }

    public static ScanSet open(int n) {
        long rc;
        try { rc = (long) OPEN.invokeExact(n); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
        if (rc < 0) throw new IllegalStateException("cannot open " + n + " eventfds: " + Libc.strerror((int) -rc)
                + " (RLIMIT_NOFILE is " + Rlimit.fdLimit()[0] + ")");
        return new ScanSet(MemorySegment.ofAddress(rc), n);
    }

    /** iters × poll(all n, timeout 0); returns the ready count summed (iters when all is well). */
    public static long pollRounds(ScanSet set, long iters) {
        try { return check((long) POLL.invokeExact(set.handle(), iters), "poll"); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /** iters × select(all n, timeout 0); fails if an fd of the set is >= FD_SETSIZE. */
    public static long selectRounds(ScanSet set, long iters) {
        try {
            long rc = (long) SELECT.invokeExact(set.handle(), iters);
            if (rc == -ERANGE) {
                throw new IllegalStateException("select(2) cannot watch " + set.n() + " eventfds here: one has a number >= FD_SETSIZE ("
                        + FD_SETSIZE + ", and the JVM holds some of the numbers below it): watch at most ~900 with select, or use poll/epoll");
            }
            return check(rc, "select");
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** The fd_set copy select's callers make before each call, without the call. */
    public static long selectCopyBaseline(ScanSet set, long iters) {
        try { return (long) SELECT_BASELINE.invokeExact(set.handle(), iters); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    private static long check(long rc, String what) {
        if (rc < 0) throw new IllegalStateException(what + " failed: " + Libc.strerror((int) -rc));
        return rc;
    }
}
