package io.contextlab.stbench;

import io.contextlab.lab.FiguresProfiler;
import io.contextlab.st.Scheduler;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/*
 * Claim (second article): State Threads' idle thread waits in epoll with the earliest SLEEPQ
 * deadline as its timeout and wakes sleepers itself — one thread, one system call. Virtual
 * threads sleep through a timer: the JDK schedules an unpark on a separate scheduled executor,
 * whose thread wakes, then submits the sleeper back to a carrier. Here: how late each wakes.
 *
 * Unit: µs per sleep of `sleepMicros` requested; SLEEPS sleeps in a row per invocation,
 * @OperationsPerInvocation(SLEEPS). Secondary metric `overshoot` (µs/sleep): the measured wake
 * minus the request, timed around each sleep inside the sleeper itself — the accuracy figure.
 *   stRuntime         - Scheduler.sleep: SLEEPQ, then epoll_pwait2 with a nanosecond timeout
 *                       (epoll_wait's millisecond timeout would round 50 µs up to 1 ms).
 *   virtualOneCarrier - Thread.sleep in a virtual thread, one carrier.
 *   virtualDefault    - the same, default scheduler.
 *   platformThread    - Thread.sleep on the benchmark (platform) thread: a futex/nanosleep with
 *                       the kernel's timer slack (50 µs by default), the OS floor.
 * Pinning: none. An idle CPU halts here (a VM), so every wake-up includes leaving the halt.
 *
 * Pitfalls avoided: the overshoot is measured by the sleeper, not derived from the score, so the
 * invocation's own start-up (a virtual thread's start and join, a run() of the scheduler) does
 * not pollute it; the score still includes it, amortised over SLEEPS.
 *
 * Run: scripts/lab bench 'stbench.SleepWake'
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class SleepWake {
    static final int SLEEPS = 20;

    @Param({"50", "1000"})
    public long sleepMicros;

    private Scheduler st;
    private long overshootNanos;
    private long sleeps;

    @Setup(Level.Trial)
    public void open() {
        st = new Scheduler();
    }

    @TearDown(Level.Trial)
    public void close() {
        st.close();
    }

    @Setup(Level.Iteration)
    public void resetOvershoot() {
        overshootNanos = 0;
        sleeps = 0;
    }

    @TearDown(Level.Iteration)
    public void recordOvershoot() {
        if (sleeps > 0) FiguresProfiler.record("overshoot", overshootNanos / 1e3 / sleeps, "us/sleep");
    }

    private void account(long startedNanos) {
        overshootNanos += System.nanoTime() - startedNanos - sleepMicros * 1_000;
        sleeps++;
    }

    @Benchmark
    @OperationsPerInvocation(SLEEPS)
    public long stRuntime() {
        long nanos = sleepMicros * 1_000;
        st.spawn(() -> {
            for (int i = 0; i < SLEEPS; i++) {
                long t0 = System.nanoTime();
                st.sleep(nanos);
                account(t0);
            }
        });
        st.run();
        return sleeps;
    }

    private void threadSleeps() {
        long nanos = sleepMicros * 1_000;
        try {
            for (int i = 0; i < SLEEPS; i++) {
                long t0 = System.nanoTime();
                Thread.sleep(java.time.Duration.ofNanos(nanos));
                account(t0);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long virtualThread() throws InterruptedException {
        Thread.ofVirtual().start(this::threadSleeps).join();
        return sleeps;
    }

    @Benchmark
    @OperationsPerInvocation(SLEEPS)
    @Fork(value = 3, jvmArgsAppend = Carriers.ONE)
    public long virtualOneCarrier() throws InterruptedException {
        return virtualThread();
    }

    @Benchmark
    @OperationsPerInvocation(SLEEPS)
    public long virtualDefault() throws InterruptedException {
        return virtualThread();
    }

    @Benchmark
    @OperationsPerInvocation(SLEEPS)
    public long platformThread() {
        threadSleeps();
        return sleeps;
    }
}
