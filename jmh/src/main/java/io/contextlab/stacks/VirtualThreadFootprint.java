package io.contextlab.stacks;

import io.contextlab.lab.FiguresProfiler;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.StackChunk;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jol.vm.VM;
import org.openjdk.jol.vm.VirtualMachine;

/*
 * Claim (first article, and the reason virtual threads exist): a coroutine keeps only the frames
 * it is suspended in, on the heap, so a parked one costs what its stack holds, not a reserved
 * stack. Here: N parked virtual threads, each suspended D frames deep.
 *
 * Method: one SingleShotTime invocation starts N virtual threads that recurse D frames and park
 * (the primary metric: the time to get all N parked). In the invocation's tear-down (not timed)
 * the footprint is measured three independent ways and recorded through FiguresProfiler:
 *   bytesPerVirtualThread        sizes summed over the chain VirtualThread -> its Continuation
 *                                -> every StackChunk (tail, then parent()), walked by hand: JOL's
 *                                GraphLayout over the Thread would follow the scheduler, the
 *                                thread group and the carrier and count them all. The thread and
 *                                continuation are JOL sizeOf; each chunk is sized from its own
 *                                length (stackChunkBytesPerVirtualThread, below).
 *   stackChunkBytesPerVirtualThread  the frames: per chunk, JOL's layout of StackChunk's fields +
 *                                its `size` stack words + the GC bitmap, as HotSpot allocates it.
 *   jolStackChunkBytesPerVirtualThread  JOL sizeOf(chunk), i.e. Instrumentation.getObjectSize (a
 *                                chunk is variable-sized, so JOL self-attaches an agent, which
 *                                -Djdk.attach.allowAttachSelf=true in every fork permits). Kept
 *                                because it disagrees: on JDK 25.0.3 it returns the bare 48-byte
 *                                field layout for most chunks that compiled code froze (their
 *                                `size` says ~1,000 words at depth 100), and the right size for
 *                                the rest (under -Xint every chunk is right). The heap-after-GC
 *                                figure agrees with the length-based size, so that one is used.
 *   heapBytesPerVirtualThread    heap used after System.gc() with the fleet parked, minus the same
 *                                before it, / N: everything reachable only because of the fleet
 *                                (also the 4-8 bytes per thread of the list that holds them).
 *   rssBytesPerVirtualThread     the fork's smaps_rollup Rss with the fleet parked, minus the
 *                                same at the start of the fork, / N: what the OS sees. The heap is
 *                                never given back below -Xms (4g here, so a System.gc() cannot
 *                                shrink RSS between snapshots), so this is the heap's high-water
 *                                mark — live frames plus the garbage made while starting the
 *                                fleet — per thread: an upper bound that depends on heap sizing.
 *
 * Pitfalls avoided: the chain is read by reflection into java.lang (opened for every fork) and
 * jdk.internal.vm (both opened for every fork: io.contextlab.platform.JvmFlags); frames are frozen into a chunk only when the
 * thread parks, so the tear-down first waits until every thread reports WAITING; the recursion
 * returns a value that its caller uses, so C2 can neither drop nor flatten it (frames of the
 * interpreted, C1 and C2 versions differ in size: the first threads of a fork run colder code,
 * which is why there are warm-up iterations). Depth 1 is the baseline: a thread with nothing on
 * its stack but the frames every virtual thread starts with.
 *
 * Run: scripts/lab bench -p virtualThreads=10000 'stacks.VirtualThreadFootprint'
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 3, jvmArgsAppend = {"-XX:+EnableDynamicAgentLoading", "-Xms4g", "-Xmx12g"})
public class VirtualThreadFootprint {
    private static final Field CONT = field("java.lang.VirtualThread", "cont");
    private static final Field TAIL = field("jdk.internal.vm.Continuation", "tail");
    private static final Field CHUNK_WORDS = field("jdk.internal.vm.StackChunk", "size");

    @State(Scope.Thread)
    public static class Fleet {
        @Param({"10000", "100000", "1000000"})
        public int virtualThreads;

        @Param({"1", "10", "100"})
        public int depth;

        List<Thread> threads;
        CountDownLatch parked;
        volatile boolean released;
        private long heapBefore;
        private ProcessMemory atStart;

        @Setup(Level.Trial)
        public void snapshotAtStart() {
            atStart = ProcessMemory.now();
        }

        @Setup(Level.Invocation)
        public void snapshotBefore() {
            heapBefore = heapUsedAfterGc();
        }

        @TearDown(Level.Invocation)
        public void measureAndRelease() throws InterruptedException {
            awaitAllWaiting(threads);
            ProcessMemory parkedMemory = ProcessMemory.now();
            long heapParked = heapUsedAfterGc();
            long jolChunkBytes = 0, chunkBytes = 0, chainBytes = 0;
            VirtualMachine vm = VM.current();
            for (Thread t : threads) {
                Continuation cont = continuationOf(t);
                long chunks = 0;
                for (StackChunk c = tailOf(cont); c != null; c = c.parent()) {
                    jolChunkBytes += vm.sizeOf(c);
                    chunks += chunkBytesFromLength(vm, c);
                }
                chunkBytes += chunks;
                chainBytes += vm.sizeOf(t) + vm.sizeOf(cont) + chunks;
            }
            double n = threads.size();
            FiguresProfiler.record("bytesPerVirtualThread", chainBytes / n, "B/thread");
            FiguresProfiler.record("stackChunkBytesPerVirtualThread", chunkBytes / n, "B/thread");
            FiguresProfiler.record("jolStackChunkBytesPerVirtualThread", jolChunkBytes / n, "B/thread");
            FiguresProfiler.record("heapBytesPerVirtualThread", (heapParked - heapBefore) / n, "B/thread");
            FiguresProfiler.record("rssBytesPerVirtualThread", parkedMemory.minus(atStart).rollupRssBytes() / n, "B/thread");

            released = true;
            for (Thread t : threads) LockSupport.unpark(t);
            for (Thread t : threads) t.join();
            threads = null;
            released = false;
        }

        /** Recurses to the wanted depth, then parks until released; returns the depth reached. */
        int descend(int remaining) {
            if (remaining <= 1) {
                parked.countDown();
                while (!released) LockSupport.park(this);
                return 1;
            }
            return descend(remaining - 1) + 1;
        }
    }

    @Benchmark
    public int startDescendAndPark(Fleet f) throws InterruptedException {
        f.parked = new CountDownLatch(f.virtualThreads);
        f.threads = new ArrayList<>(f.virtualThreads);
        int depth = f.depth;
        Runnable task = () -> f.descend(depth);
        Thread.Builder builder = Thread.ofVirtual();
        for (int i = 0; i < f.virtualThreads; i++) f.threads.add(builder.start(task));
        f.parked.await();
        return f.threads.size();
    }

    static long heapUsedAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** A virtual thread counts down just before it parks; wait until every one has parked. */
    static void awaitAllWaiting(List<Thread> threads) throws InterruptedException {
        for (Thread t : threads) {
            while (t.getState() != Thread.State.WAITING) Thread.sleep(1);
        }
    }

    /**
     * A chunk's size from its own length, as HotSpot allocates it (InstanceStackChunkKlass::
     * instance_size): the fixed fields, the stack words, and the GC bitmap (one bit per narrow-oop
     * slot: two per word with compressed oops), aligned to the object alignment.
     */
    static long chunkBytesFromLength(VirtualMachine vm, StackChunk chunk) {
        try {
            long words = CHUNK_WORDS.getInt(chunk);
            long bitmapWords = (words * 2 + 63) / 64;
            long bytes = ChunkFields.BYTES + (words + bitmapWords) * 8;
            long align = vm.objectAlignment();
            return (bytes + align - 1) / align * align;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * StackChunk's fixed fields, laid out once: JOL's parseClass walks the class by reflection
     * (tens of microseconds), and the tear-down sizes every chunk of up to a million threads.
     * A holder, so JOL first runs where it always did, in the first tear-down.
     */
    private static final class ChunkFields {
        static final long BYTES = org.openjdk.jol.info.ClassLayout.parseClass(StackChunk.class).instanceSize();
    }

    static Continuation continuationOf(Thread virtualThread) {
        try {
            return (Continuation) CONT.get(virtualThread);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    static StackChunk tailOf(Continuation cont) {
        try {
            return (StackChunk) TAIL.get(cont);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Field field(String className, String name) {
        try {
            Field f = Class.forName(className).getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read " + className + "." + name + " (" + e
                    + "): run with --add-opens java.base/java.lang=ALL-UNNAMED and --add-opens java.base/jdk.internal.vm=ALL-UNNAMED", e);
        }
    }
}
