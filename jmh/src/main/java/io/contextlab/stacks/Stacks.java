package io.contextlab.stacks;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.contextlab.natives.NativeLibrary;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/** Binding to stacks.c: fleets of parked pthreads that touched their stacks, and fault counters. */
public final class Stacks {
    private static final MethodHandle FLEET_START = NativeLibrary.downcall("cl_fleet_start",
            FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG), Linker.Option.captureCallState("errno"));
    private static final MethodHandle FLEET_PARKED = NativeLibrary.downcall("cl_fleet_parked",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle FLEET_RELEASE = NativeLibrary.downcall("cl_fleet_release",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle TOUCH_OWN_STACK = NativeLibrary.downcall("cl_touch_own_stack",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
    private static final MethodHandle MINOR_FAULTS = NativeLibrary.downcall("cl_minor_faults",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(PathElement.groupElement("errno"));

    private Stacks() {}

    /** N pthreads, parked after each touched its stack; {@link #release()} joins them. */
    public static final class Fleet {
        private MemorySegment handle;
        private final int threads;

        private Fleet(MemorySegment handle, int threads) {
            this.handle = handle;
            this.threads = threads;
        }

        public int threads() {
            return threads;
        }

        /** Threads that have touched their stack and are blocked (all of them, once started). */
        public int parked() {
            try { return (int) FLEET_PARKED.invokeExact(handle); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
        }

        /** Wakes and joins every thread; returns how many were joined. Idempotent. */
        public int release() {
            if (handle == null) return 0;
            try {
                int joined = (int) FLEET_RELEASE.invokeExact(handle);
                handle = null;
                return joined;
            } catch (Throwable t) {
                throw NativeLibrary.rethrow(t);
            }
        }
    }

    /**
     * Starts n pthreads with a stack of stackBytes (0: glibc's default, the RLIMIT_STACK soft
     * limit) that each write one byte per page of the top touchBytes of their stack, and returns
     * when all of them are parked.
     */
    public static Fleet startFleet(int n, long touchBytes, long stackBytes) {
        try (var arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment handle = (MemorySegment) FLEET_START.invokeExact(state, n, touchBytes, stackBytes);
            if (handle.equals(MemorySegment.NULL)) {
                int errno = (int) ERRNO.get(state, 0L);
                throw new IllegalStateException("pthread_create failed (errno " + errno + ") starting " + n
                        + " threads: lower the thread count or raise ulimit -u / kernel.threads-max / vm.max_map_count");
            }
            return new Fleet(handle, n);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** Writes one byte per page of the top `bytes` of the calling thread's own native stack. */
    public static long touchOwnStack(long bytes) {
        try { return (long) TOUCH_OWN_STACK.invokeExact(bytes); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /** Minor faults of the whole process so far (getrusage RUSAGE_SELF). */
    public static long processMinorFaults() {
        try { return (long) MINOR_FAULTS.invokeExact(0); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /** Minor faults of the calling thread so far (getrusage RUSAGE_THREAD). */
    public static long threadMinorFaults() {
        try { return (long) MINOR_FAULTS.invokeExact(1); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }
}
