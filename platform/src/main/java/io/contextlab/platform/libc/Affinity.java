package io.contextlab.platform.libc;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * CPU pinning of the calling thread (sched_setaffinity with pid 0 acts on the calling thread,
 * not the process), for benchmarks that measure "same CPU" against "two CPUs".
 */
public final class Affinity {
    private static final long CPU_SET_BYTES = 128; // glibc's cpu_set_t: 1024 CPUs
    private static final MethodHandle SET = Libc.downcall("sched_setaffinity",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle GET = Libc.downcall("sched_getaffinity",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle GETCPU = Libc.downcall("sched_getcpu", FunctionDescriptor.of(JAVA_INT));

    /**
     * The CPUs this process may use, read from the main thread's mask when the class loads.
     * Not availableProcessors(): HotSpot answers that from the calling thread's affinity, so a
     * pinned thread would see one CPU and "unpin" itself to that one CPU again.
     */
    private static final int[] PROCESS_CPUS = cpusOf((int) ProcessHandle.current().pid());

    private Affinity() {}

    /** Throws, naming the benchmark, unless this process may run on every one of these CPUs. */
    public static void requireCpus(String who, int... cpus) {
        for (int cpu : cpus) {
            if (Arrays.stream(PROCESS_CPUS).noneMatch(c -> c == cpu)) {
                throw new IllegalStateException(who + " needs CPUs " + Arrays.toString(cpus)
                        + "; this process may use " + Arrays.toString(PROCESS_CPUS));
            }
        }
    }

    /** Pins the calling thread to the given CPUs; throws if the kernel refuses (CPU offline, cpuset). */
    public static void pinCurrentThread(int... cpus) {
        pinThread(0, cpus);
    }

    /** Pins thread {@code tid} of this process (0: the calling thread) to the given CPUs; throws if the kernel refuses. */
    public static void pinThread(int tid, int... cpus) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = arena.allocate(CPU_SET_BYTES);
            for (int cpu : cpus) {
                long index = cpu / 8;
                set.set(JAVA_BYTE, index, (byte) (set.get(JAVA_BYTE, index) | (1 << (cpu % 8))));
            }
            int rc = (int) SET.invokeExact(tid, CPU_SET_BYTES, set);
            if (rc != 0) {
                throw new IllegalStateException("sched_setaffinity of " + tid + " to CPUs " + Arrays.toString(cpus) + " failed");
            }
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** The CPUs the calling thread may run on. */
    public static int[] currentThreadCpus() {
        return cpusOf(0);
    }

    /** The CPUs thread {@code tid} may run on (0: the calling thread). */
    public static int[] cpusOf(int tid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = arena.allocate(CPU_SET_BYTES);
            int rc = (int) GET.invokeExact(tid, CPU_SET_BYTES, set);
            if (rc != 0) throw new IllegalStateException("sched_getaffinity of " + tid + " failed");
            return IntStream.range(0, (int) CPU_SET_BYTES * 8)
                    .filter(cpu -> (set.get(JAVA_BYTE, cpu / 8) & (1 << (cpu % 8))) != 0)
                    .toArray();
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Lets the calling thread run on every CPU the process may use. */
    public static void unpinCurrentThread() {
        pinCurrentThread(PROCESS_CPUS);
    }

    /** The CPU the calling thread is running on now. */
    public static int currentCpu() {
        try {
            return (int) GETCPU.invokeExact();
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}
