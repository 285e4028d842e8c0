package io.contextlab.stacks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/*
 * Claim (first article): a thread's 8 MB stack is address space, not memory. Pages arrive on
 * first touch, one minor fault each, so a thread costs what it touched (plus a little); and what
 * it touched is not returned until the thread ends.
 *
 * Method: one invocation starts a fleet of N native pthreads with glibc's default stack
 * (RLIMIT_STACK, 8 MiB here), each writes one byte per page of the top T bytes of its stack and
 * blocks; the invocation ends when all N are parked (the primary metric, SingleShotTime: the
 * time to create N threads that touched T bytes). Around it, in the invocation's set-up and
 * tear-down (not timed), this JMH fork reads its own /proc/self/status, smaps_rollup and
 * getrusage: before the fleet, while it is parked, and after every thread was released and
 * joined. ThreadFootprint turns the differences into per-thread secondary metrics (through
 * FiguresProfiler, which BenchMain enables for every run). T = 0 is the
 * baseline: what a thread costs before it touches anything (its struct pthread and TLS at the
 * top of the stack mapping, the first frames).
 *
 * Pitfalls avoided: the JVM's own memory moving during the measurement would be charged to the
 * threads; the heap is fixed and pre-touched (-Xms = -Xmx, AlwaysPreTouch) so allocation in the
 * fork does not fault in heap pages, and nothing in the measured window allocates much. VmRSS
 * alone is a counter the kernel updates lazily (per-CPU batches on 6.2+), so the exact
 * smaps_rollup walk is reported beside it. A fleet is released before the next, so fleets never
 * overlap; glibc's stack cache (40 MiB of exited stacks kept mapped) survives between
 * iterations, which is part of what vmSizeBytesRetainedPerThread shows.
 *
 * What the reference VM says (1,000 threads; glibc 2.36, kernel 6.18): T = 0 costs 2 faults and
 * 8 KiB per thread (the page holding struct pthread and the static TLS at the top of the stack
 * mapping, and the page of the first frames); every 4 KiB touched adds exactly one fault and
 * 4 KiB (16 KiB: 6 faults, 24,486 B; 1 MiB: 258 faults, 1.06 MB), while VmSize grows by 8 MiB
 * + the 4 KiB guard page whatever T is. The touching function has returned before the thread
 * parks, so the pages stay resident with no live frame in them: that is the "not returned until
 * the thread ends". After the join, RSS is back (rssBytesRetainedPerThread ~ 10 B): glibc
 * madvise(MADV_DONTNEED)s a dying thread's stack below its last frame, then unmaps it or keeps
 * it in its cache, which holds four 8 MiB stacks (vmSizeBytesHeldAfterExit ~ 33.7 MB).
 *
 * Run: scripts/lab bench -p threads=1000 'stacks.PthreadStacks'
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 3, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch"})
public class PthreadStacks {
    /** N threads x T bytes touched, the grid the claim is about. */
    @State(Scope.Thread)
    public static class Grid extends MeasuredFleet {
        /** 512: the first article's "512 threads' stacks consume 4 GB" of address space, as a count of its own. */
        @Param({"100", "512", "1000"})
        public int threads;

        @Param({"0", "4096", "16384", "65536", "1048576"})
        public long touchBytes;

        Stacks.Fleet fleet;

        @Override
        int threads() {
            return threads;
        }

        @Override
        void releaseFleet() {
            fleet.release();
        }
    }

    @Benchmark
    public Stacks.Fleet startTouchAndPark(Grid grid) {
        grid.fleet = Stacks.startFleet(grid.threads, grid.touchBytes, 0);
        return grid.fleet;
    }

    /*
     * The larger bounded N: 10,000 threads touching 16 KiB each (80 GB of address space, about
     * 250 MB resident), to see that the per-thread figures stay flat as N grows. Its own state so
     * the threads x touch grid above does not multiply it (10,000 x 1 MiB would be 10 GB).
     */
    @State(Scope.Thread)
    public static class TenThousand extends MeasuredFleet {
        static final int THREADS = 10_000;
        static final long TOUCH = 16384;
        Stacks.Fleet fleet;

        @Override
        int threads() {
            return THREADS;
        }

        @Override
        void releaseFleet() {
            fleet.release();
        }
    }

    @Benchmark
    public Stacks.Fleet tenThousandThreadsTouching16k(TenThousand state) {
        state.fleet = Stacks.startFleet(TenThousand.THREADS, TenThousand.TOUCH, 0);
        return state.fleet;
    }
}
