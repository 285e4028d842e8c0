package io.contextlab.stbench;

import io.contextlab.st.Coroutine;
import io.contextlab.st.Scheduler;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
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
 * Claim (second article): a State Threads "thread" is as cheap to create as a function call is to
 * make — a context on the heap, no kernel object — so a server can afford one per request. Here:
 * what one spawn + run to completion + join costs in the n:1 runtime (io.contextlab.st), and the
 * same on virtual threads, whose start() also hands the thread to a ForkJoinPool and whose join()
 * parks on a CountDownLatch-like termination object.
 *
 * Unit: ns per spawn+join. A parent (coroutine / virtual thread) spawns a child that runs a
 * trivial task and joins it, OPS times per invocation; @OperationsPerInvocation(OPS).
 *   stRuntime         - the parent is a coroutine; the child runs when the parent parks in join
 *                       (same OS thread, no system call at all).
 *   virtualOneCarrier - parent and child are virtual threads on one carrier
 *                       (-Djdk.virtualThreadScheduler.parallelism=1): the child runs when the
 *                       parent parks, as above, but through the pool's queues.
 *   virtualDefault    - the default scheduler (parallelism = CPUs = 2 here): the child may be
 *                       stolen by the other carrier, whose wake-up is a cross-CPU futex wake.
 *   baselineCall      - the child's task called directly: what is not spawning.
 * Pinning: none (the kernel places the benchmark thread and the carriers); the one-carrier /
 * default pair is the one-CPU / two-CPU contrast.
 *
 * Pitfalls avoided: the task writes a field the benchmark returns (no dead code); the parent's
 * own start (a virtual thread, or a run() of the scheduler) is amortised over OPS children; the
 * scheduler (its epoll fd) is created once per trial, not per invocation.
 *
 * Run: scripts/lab bench 'stbench.SpawnJoin'
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class SpawnJoin {
    static final int OPS = 1_000;

    private Scheduler st;
    private long ran;
    private final Runnable task = this::work;

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    private void work() {
        ran++;
    }

    @Setup(Level.Trial)
    public void open() {
        st = new Scheduler();
    }

    @TearDown(Level.Trial)
    public void close() {
        st.close();
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long stRuntime() {
        st.spawn(() -> {
            for (int i = 0; i < OPS; i++) {
                Coroutine child = st.spawnJoinable(task);
                st.join(child);
            }
        });
        st.run();
        return ran;
    }

    private long virtualThreads() throws InterruptedException {
        Thread parent = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < OPS; i++) Thread.ofVirtual().start(task).join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        parent.join();
        return ran;
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
    public long baselineCall() {
        for (int i = 0; i < OPS; i++) task.run();
        return ran;
    }
}
