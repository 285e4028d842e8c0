package io.contextlab.platform.libc;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * getrusage(2) of this process: the kernel's own counts, summed over every thread, the ones that
 * have exited included (the kernel folds a dead thread's counts into its process's).
 */
public final class Rusage {
    private static final MethodHandle GETRUSAGE = Libc.downcall("getrusage", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final int RUSAGE_SELF = 0;
    /** struct rusage on Linux (LP64): two timevals, then 14 longs; ru_nvcsw and ru_nivcsw are the last two. */
    private static final int SIZE = 144, NVCSW = 128, NIVCSW = 136;

    private Rusage() {}

    /** Context switches of this process so far: voluntary (it blocked) and involuntary (it was preempted or yielded). */
    public record Switches(long voluntary, long involuntary) {
        public Switches minus(Switches before) {
            return new Switches(voluntary - before.voluntary, involuntary - before.involuntary);
        }
    }

    public static Switches switches() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment usage = arena.allocate(SIZE, 8);
            int rc = (int) GETRUSAGE.invokeExact(RUSAGE_SELF, usage);
            if (rc != 0) throw new IllegalStateException("getrusage(RUSAGE_SELF) failed");
            return new Switches(usage.get(JAVA_LONG, NVCSW), usage.get(JAVA_LONG, NIVCSW));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}
