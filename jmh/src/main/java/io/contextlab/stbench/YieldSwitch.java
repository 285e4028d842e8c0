package io.contextlab.stbench;

import io.contextlab.lab.FiguresProfiler;
import io.contextlab.natives.SyscallCounter;
import io.contextlab.st.Scheduler;
import java.util.concurrent.TimeUnit;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/*
 * Claim (second article): State Threads switches only at explicit points and the switch itself
 * is a setjmp/longjmp — no system call, no lock. Here two coroutines hand the thread to each
 * other with yield, in the n:1 runtime and on virtual threads (Thread.yield), to price the
 * scheduler around the bare switch.
 *
 * Unit: ns per yield, i.e. per one coroutine giving the thread to the other. Two coroutines
 * yield OPS / 2 times each per invocation; @OperationsPerInvocation(OPS).
 *   stRuntime           - yieldNow(): to the tail of RUNQ, back into the run loop, which resumes
 *                         the other (Continuation.yield + Continuation.run: two transfers).
 *   virtualOneCarrier   - Thread.yield() with both virtual threads on one carrier: the pool
 *                         re-queues the yielder and mounts the other.
 *   virtualDefault      - two carriers (default scheduler): each virtual thread may have a
 *                         carrier of its own, and a yield then re-mounts the yielder itself.
 *   bareContinuation    - one Continuation.run + yield, no scheduler, no queue: the floor the
 *                         other three are built on (switches.ContinuationYield measures its
 *                         depth dependence; this one is at depth 1).
 * Syscalls per switch (stRuntime's secondary metric `syscallsPerSwitch`): the kernel's count of
 * the syscalls the runtime's thread makes per yield, the slope between COUNTED and 3 x COUNTED
 * yields, each in a fresh runtime (its set-up and tear-down left out), once per trial outside the
 * timed loop (SyscallCounter.slope). A switch is a continuation yield and run on
 * one thread, so none is expected: the scheduler only enters the kernel in its epoll wait, and
 * only when nothing is runnable (see SocketPing for the I/O side).
 * Pinning: none; one carrier vs default is the one-CPU / two-CPU contrast.
 *
 * Pitfalls avoided: the yield counts are returned; virtual threads' start/join (two per
 * invocation, microseconds) is amortised over OPS yields; the runtime is created per trial.
 *
 * Run: scripts/lab bench 'stbench.YieldSwitch'
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class YieldSwitch {
    static final int OPS = 10_000;
    private static final ContinuationScope SCOPE = new ContinuationScope("yield-switch");

    static final int COUNTED = 10_000;

    private Scheduler st;
    private double syscallsPerSwitch = Double.NaN;
    private Continuation bare;
    private long yields;

    @Setup(Level.Trial)
    public void open() {
        st = new Scheduler();
        bare = new Continuation(SCOPE, () -> {
            for (;;) {
                yields++;
                Continuation.yield(SCOPE);
            }
        });
    }

    /** Two coroutines of a fresh runtime yielding `yields` times between them. */
    static void yieldInFreshRuntime(long yields) {
        try (Scheduler runtime = new Scheduler()) {
            Runnable yielder = () -> {
                for (long i = 0; i < yields / 2; i++) runtime.yieldNow();
            };
            runtime.spawn(yielder);
            runtime.spawn(yielder);
            runtime.run();
        }
    }

    /** syscallsPerSwitch, for stRuntime only (counting is slow; nothing else reports it). */
    @Setup(Level.Trial)
    public void countSyscalls(org.openjdk.jmh.infra.BenchmarkParams params) {
        if (!params.getBenchmark().endsWith(".stRuntime")) return;
        try {
            yieldInFreshRuntime(COUNTED);  // classes loaded and the runtime's paths run before counting
            syscallsPerSwitch = SyscallCounter.slope(YieldSwitch::yieldInFreshRuntime, COUNTED);
        } catch (UnsupportedOperationException e) {
            System.err.println("syscallsPerSwitch will be NaN: " + e.getMessage());
        }
    }

    @TearDown(Level.Iteration)
    public void reportSyscalls(org.openjdk.jmh.infra.BenchmarkParams params) {
        if (params.getBenchmark().endsWith(".stRuntime")) FiguresProfiler.record("syscallsPerSwitch", syscallsPerSwitch, "syscalls/switch");
    }

    @TearDown(Level.Trial)
    public void close() {
        st.close();
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long stRuntime() {
        Runnable yielder = () -> {
            for (int i = 0; i < OPS / 2; i++) {
                yields++;
                st.yieldNow();
            }
        };
        st.spawn(yielder);
        st.spawn(yielder);
        st.run();
        return yields;
    }

    private long virtualThreads() throws InterruptedException {
        Runnable yielder = () -> {
            for (int i = 0; i < OPS / 2; i++) {
                yields++;  // a data race on two carriers, harmless: it only feeds the blackhole
                Thread.yield();
            }
        };
        Thread a = Thread.ofVirtual().start(yielder);
        Thread b = Thread.ofVirtual().start(yielder);
        a.join();
        b.join();
        return yields;
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    @Fork(value = 3, jvmArgsAppend = Carriers.ONE)
    public long virtualOneCarrier() throws InterruptedException {
        return virtualThreads();
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long virtualDefault() throws InterruptedException {
        return virtualThreads();
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long bareContinuation() {
        for (int i = 0; i < OPS; i++) bare.run();
        return yields;
    }
}
