package io.contextlab.syscalls;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.contextlab.natives.NativeLibrary;
import io.contextlab.platform.libc.Libc;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

/**
 * FFM downcall handles for the crossing benchmarks, plain and {@code Linker.Option.critical}
 * (no thread-state transition: the call may not block or upcall, which holds for these).
 * The handles are static finals so the JIT treats them as constants, as real callers would.
 */
public final class Crossings {
    public static final MethodHandle EMPTY =
            NativeLibrary.downcall("cl_crossing_empty", FunctionDescriptor.of(JAVA_LONG));
    public static final MethodHandle EMPTY_CRITICAL =
            NativeLibrary.downcall("cl_crossing_empty", FunctionDescriptor.of(JAVA_LONG), Linker.Option.critical(false));
    public static final MethodHandle GETPID =
            Libc.downcall("getpid", FunctionDescriptor.of(JAVA_INT));
    public static final MethodHandle GETPID_CRITICAL =
            Libc.downcall("getpid", FunctionDescriptor.of(JAVA_INT), Linker.Option.critical(false));

    private Crossings() {}

    public static long empty() {
        try { return (long) EMPTY.invokeExact(); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    public static long emptyCritical() {
        try { return (long) EMPTY_CRITICAL.invokeExact(); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    public static int getpid() {
        try { return (int) GETPID.invokeExact(); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    public static int getpidCritical() {
        try { return (int) GETPID_CRITICAL.invokeExact(); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }
}
