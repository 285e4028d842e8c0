package io.contextlab.natives;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Binding to syscall_count.c: the exact number of syscalls a native loop makes, from the
 * kernel's raw_syscalls:sys_enter and syscalls:sys_enter_rt_sigprocmask tracepoints counted for
 * the calling thread (perf_event_open, counting mode). Never call it inside a timed region:
 * an enabled syscall tracepoint slows every syscall on the machine.
 */
public final class SyscallCounter {
    private static final MethodHandle COUNT = NativeLibrary.downcall("cl_count_syscalls",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));

    /** The Java work the upcall runs; set only for the duration of one countJava call. */
    private static final ThreadLocal<LongConsumer> JAVA_WORK = new ThreadLocal<>();
    private static final MemorySegment JAVA_LOOP = javaLoopStub();

    private SyscallCounter() {}

    private static MemorySegment javaLoopStub() {
        try {
            MethodHandle target = MethodHandles.lookup().findStatic(SyscallCounter.class, "runJavaWork",
                    MethodType.methodType(long.class, MemorySegment.class, long.class));
            return Linker.nativeLinker().upcallStub(target, FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG), Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long runJavaWork(MemorySegment context, long n) {
        JAVA_WORK.get().accept(n);
        return n;
    }

    /**
     * Counts the syscalls the calling thread makes in {@code work.accept(n)}, Java code run from
     * the C counter through an upcall (net of a run of {@code work.accept(0)}, which holds the
     * counter's own calls). Only this thread's syscalls are counted: the JVM's other threads (JIT,
     * GC) are not, so this suits work that stays on one thread, like an n:1 coroutine runtime.
     *
     * @throws UnsupportedOperationException with the reason and the fix when counting is impossible
     */
    public static Counts countJava(LongConsumer work, long n) {
        JAVA_WORK.set(work);
        try {
            return count(JAVA_LOOP, MemorySegment.NULL, n);
        } finally {
            JAVA_WORK.remove();
        }
    }

    /**
     * The syscalls {@code work} makes beyond what every run of it shares (a fresh runtime's set-up
     * and tear-down, say): the difference between a run of n and one of 3n ({@link #countJava}
     * each), with the difference in {@code units}, read after each run (the work's own count of
     * what it did, e.g. blocking waits).
     */
    public static Slope slope(LongConsumer work, long n, LongSupplier units) {
        long fewer = countJava(work, n).all();
        long fewerUnits = units.getAsLong();
        long more = countJava(work, 3 * n).all();
        long moreUnits = units.getAsLong();
        return new Slope(more - fewer, 2 * n, moreUnits - fewerUnits);
    }

    /** {@link #slope(LongConsumer, long, LongSupplier)} per work item alone. */
    public static double slope(LongConsumer work, long n) {
        return slope(work, n, () -> 0).perItem();
    }

    /** Between two runs: the syscalls, the work items and the work's own units. */
    public record Slope(long syscalls, long items, long units) {
        public double perItem() {
            return (double) syscalls / items;
        }

        /** NaN when the units did not grow. */
        public double perUnit() {
            return units > 0 ? (double) syscalls / units : Double.NaN;
        }
    }

    /** Syscalls made by one run of a loop, net of the counting itself. */
    public record Counts(long all, long rtSigprocmask) {}

    /**
     * Counts the syscalls of {@code loop(context, n)}, where loop is the address of a C function
     * {@code int64_t loop(void *context, int64_t n)} (e.g. {@link io.contextlab.switches.Coroutines#pingPongSymbol}).
     *
     * @throws UnsupportedOperationException with the reason and the fix when counting is impossible
     */
    public static Counts count(MemorySegment loop, MemorySegment context, long n) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG, 2);
            int rc = (int) COUNT.invokeExact(loop, context, n, out);
            if (rc != 0) throw new UnsupportedOperationException(reason(-rc));
            return new Counts(out.getAtIndex(JAVA_LONG, 0), out.getAtIndex(JAVA_LONG, 1));
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    private static String reason(int errno) {
        return switch (errno) {
            case 2 -> "syscall tracepoints not found: mount tracefs (mount -t tracefs nodev /sys/kernel/tracing) "
                    + "on a kernel with CONFIG_FTRACE_SYSCALLS";
            case 1, 13 -> "perf_event_open on a tracepoint was refused: run as root or grant CAP_PERFMON "
                    + "(or lower /proc/sys/kernel/perf_event_paranoid)";
            default -> "perf_event_open failed with errno " + errno;
        };
    }
}
