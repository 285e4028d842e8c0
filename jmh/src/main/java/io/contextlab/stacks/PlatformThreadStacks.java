package io.contextlab.stacks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
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
 * Claim (first article): a thread costs what its stack touched, not its reserved size — here for
 * Java platform threads, which are pthreads that the JVM dresses: a JavaThread in C++, guard
 * zones it mprotects at the bottom of the stack, a TLAB, handle blocks, a java.lang.Thread.
 *
 * Method: as PthreadStacks (one SingleShotTime invocation = a fleet of N threads that each touch
 * T bytes of their native stack and park; the fork's RSS, minor faults and VmSize before, while
 * parked and after the join become per-thread secondary metrics, see ThreadFootprint), with the
 * stack size as a parameter: 256 KiB, 1 MiB (the JVM's default -Xss on x86-64) and 8 MiB.
 * javaThreads starts java.lang.Threads; nativeThreads, the baseline beside it, starts bare
 * pthreads with the same stack size and touch in the same kind of fork. The difference between
 * the two is the JVM's own per-thread overhead.
 *
 * The stack size is set with the Thread(ThreadGroup, Runnable, String, long stackSize)
 * constructor, which HotSpot on Linux honours exactly as -Xss (both become the pthread
 * attribute's stack size, rounded to pages, in os::create_thread); a parameter rather than three
 * forks with -Xss keeps the three sizes in one class, and -Xss would also resize the JVM's own
 * threads. Each thread touches its stack through the same native function as the pthreads
 * (Stacks.touchOwnStack, a downcall that runs on the thread's own stack), so the touch is the
 * same bytes in both rungs; T stops at 64 KiB because 1 MiB does not fit in a 256 KiB stack.
 *
 * Pitfalls avoided: heap fixed and pre-touched so Thread objects do not fault heap pages in
 * (the native cost is what is measured; the Java objects are a few hundred bytes of heap); the
 * threads park on a latch, not in a spin, so nothing else runs while the fork is measured.
 *
 * Measured here (1,000 threads, 16 KiB touched): a Java thread holds about 4 KiB more RSS and
 * one more minor fault than the bare pthread beside it. Bare pthreads with small stacks fault
 * slightly less than with 8 MiB ones because glibc's 40 MiB stack cache holds ~150 exited
 * 256 KiB stacks (their top page still resident) against 4 of 8 MiB.
 *
 * Run: scripts/lab bench -p threads=1000 'stacks.PlatformThreadStacks'
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 3, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch"})
public class PlatformThreadStacks {
    @State(Scope.Thread)
    public abstract static class Grid extends MeasuredFleet {
        @Param({"100", "1000"})
        public int threads;

        @Param({"262144", "1048576", "8388608"})
        public long stackSize;

        /** Named apart from PthreadStacks.touchBytes so a run can narrow one grid and not the
         *  other (a -p on the command line applies to every benchmark with that name). */
        @Param({"0", "16384", "65536"})
        public long stackTouchBytes;

        @Override
        int threads() {
            return threads;
        }
    }

    @State(Scope.Thread)
    public static class JavaFleet extends Grid {
        final List<Thread> started = new ArrayList<>();
        CountDownLatch release;

        @Override
        void releaseFleet() throws InterruptedException {
            release.countDown();
            for (Thread t : started) t.join();
            started.clear();
        }
    }

    @State(Scope.Thread)
    public static class NativeFleet extends Grid {
        Stacks.Fleet fleet;

        @Override
        void releaseFleet() {
            fleet.release();
        }
    }

    @Benchmark
    public int javaThreads(JavaFleet f) throws InterruptedException {
        CountDownLatch parked = new CountDownLatch(f.threads);
        CountDownLatch release = new CountDownLatch(1);
        f.release = release;
        long touch = f.stackTouchBytes;
        Runnable touchAndPark = () -> {
            Stacks.touchOwnStack(touch);
            parked.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        for (int i = 0; i < f.threads; i++) {
            Thread t = new Thread(null, touchAndPark, "fleet-" + i, f.stackSize);
            t.start();
            f.started.add(t);
        }
        parked.await();
        return f.started.size();
    }

    @Benchmark
    public Stacks.Fleet nativeThreads(NativeFleet f) {
        f.fleet = Stacks.startFleet(f.threads, f.stackTouchBytes, f.stackSize);
        return f.fleet;
    }
}
