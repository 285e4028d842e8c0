package io.contextlab.platform.libc;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** RLIMIT_NOFILE of this process: read it, and raise the soft limit to the hard one. */
public final class Rlimit {
    private static final int RLIMIT_NOFILE = 7;
    private static final MethodHandle GETRLIMIT = Libc.downcall("getrlimit", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SETRLIMIT = Libc.downcall("setrlimit", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    private Rlimit() {}

    /** {soft, hard} RLIMIT_NOFILE of this process. */
    public static long[] fdLimit() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rlimit = arena.allocate(16);
            if ((int) GETRLIMIT.invokeExact(RLIMIT_NOFILE, rlimit) != 0) throw new IllegalStateException("getrlimit failed");
            return new long[] {rlimit.get(JAVA_LONG, 0), rlimit.get(JAVA_LONG, 8)};
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * Raises the soft RLIMIT_NOFILE to the hard one (allowed without privilege) and returns the
     * soft limit now in force. Children (wrk, the servers) inherit it. HotSpot does the same at
     * start-up (-XX:+MaxFDLimit); doing it here makes it explicit and independent of that flag.
     */
    public static long raiseFdLimitToHard() {
        long[] limit = fdLimit();
        if (limit[0] >= limit[1]) return limit[0];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rlimit = arena.allocate(16);
            rlimit.set(JAVA_LONG, 0, limit[1]);
            rlimit.set(JAVA_LONG, 8, limit[1]);
            if ((int) SETRLIMIT.invokeExact(RLIMIT_NOFILE, rlimit) != 0) {
                throw new IllegalStateException("setrlimit(RLIMIT_NOFILE, " + limit[1] + ") failed");
            }
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        return fdLimit()[0];
    }
}
