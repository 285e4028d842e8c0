package io.contextlab.switches;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.contextlab.natives.NativeLibrary;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Binding to pingpong.c: the calling thread passes a token to a partner (a thread or a forked
 * process, pinned to a CPU from birth) and blocks until it comes back, through a futex or a pair
 * of pipes. The calling thread's own pinning is left to the caller ({@link io.contextlab.platform.libc.Affinity}).
 */
public final class PingPong implements AutoCloseable {
    /** How the token travels; the order matches pingpong.c's enum. */
    public enum Kind { FUTEX_THREADS, PIPE_THREADS, PIPE_PROCESSES }

    private static final MethodHandle NEW = NativeLibrary.downcall("cl_pingpong_new",
            FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle RUN = NativeLibrary.downcall("cl_pingpong_run",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG));
    private static final MethodHandle FREE = NativeLibrary.downcall("cl_pingpong_free",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS));

    private final MemorySegment handle;
    private long partnerPasses = -1;
    private boolean closed;

    private PingPong(MemorySegment handle) {
        this.handle = handle;
    }

    /** Starts the partner pinned to partnerCpu (-1: not pinned). */
    public static PingPong start(Kind kind, int partnerCpu) {
        try {
            MemorySegment handle = (MemorySegment) NEW.invokeExact(kind.ordinal(), partnerCpu);
            if (handle.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("cannot start the " + kind + " ping-pong partner (out of threads, processes or fds?)");
            }
            return new PingPong(handle);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** n round trips; the number of tokens that came back (n, or -1 on a pipe error). */
    public long run(long n) {
        try { return (long) RUN.invokeExact(handle, n); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /** Stops the partner; afterwards {@link #partnerPasses()} is what it passed back in total. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try { partnerPasses = (long) FREE.invokeExact(handle); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    public long partnerPasses() {
        return partnerPasses;
    }
}
