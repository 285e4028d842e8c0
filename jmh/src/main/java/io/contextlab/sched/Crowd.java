package io.contextlab.sched;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.contextlab.natives.NativeLibrary;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Binding to runqueue.c: m threads pinned to one CPU passing turns (a futex ring, or
 * sched_yield), counting their passes, from {@link #start} until {@link #close}.
 */
final class Crowd implements AutoCloseable {
    /** How a turn passes; the order matches runqueue.c's enum. */
    enum Kind { RING, YIELD }

    private static final MethodHandle NEW = NativeLibrary.downcall("cl_crowd_new",
            FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle PASSES = NativeLibrary.downcall("cl_crowd_passes",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    private static final MethodHandle FREE = NativeLibrary.downcall("cl_crowd_free",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS));

    private final MemorySegment handle;
    private boolean closed;

    private Crowd(MemorySegment handle) {
        this.handle = handle;
    }

    static Crowd start(Kind kind, int m, int cpu) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment started = arena.allocate(JAVA_INT);
            MemorySegment handle = (MemorySegment) NEW.invokeExact(kind.ordinal(), m, cpu, started);
            if (handle.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("SchedulerCost m=" + m + ": only " + started.get(JAVA_INT, 0)
                        + " threads could start (this machine's bound: " + threadBound()
                        + "): lower m, or raise kernel.pid_max / kernel.threads-max / ulimit -u");
            }
            return new Crowd(handle);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    long passes() {
        try { return (long) PASSES.invokeExact(handle); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try { long ignored = (long) FREE.invokeExact(handle); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /** The limits that bound m here: kernel.pid_max, kernel.threads-max and this process's RLIMIT_NPROC. */
    static String threadBound() {
        return "pid_max " + read("/proc/sys/kernel/pid_max") + ", threads-max " + read("/proc/sys/kernel/threads-max")
                + ", max user processes " + limit();
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path)).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String limit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max processes")) return line.substring("Max processes".length()).trim().split("\\s+")[0];
            }
        } catch (IOException e) {
            // fall through
        }
        return "unknown";
    }
}
