package io.contextlab.platform.libc;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Downcalls into the C library through FFM: the one place the project binds libc (the State
 * Threads runtime, the servers and the benchmarks' helpers all call through here). The platform
 * module has no native code of its own, so it carries no library: everything it calls is in libc.
 */
public final class Libc {
    private static final MethodHandle STRERROR = downcall("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Libc() {}

    /** A downcall handle to a function of the C library. */
    public static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker linker = Linker.nativeLinker();
        var symbol = linker.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError(name + " is not in the C library"));
        return linker.downcallHandle(symbol, descriptor, options);
    }

    /** Rethrows what a downcall handle threw; they throw nothing but Errors in practice. */
    public static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    /** "Connection reset by peer". */
    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
