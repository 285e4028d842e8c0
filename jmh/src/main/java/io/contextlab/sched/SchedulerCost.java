package io.contextlab.sched;

import io.contextlab.platform.libc.Affinity;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/*
 * Claim (first article): the Linux scheduler keeps runnable contexts in a red-black tree, so each
 * block and wake-up costs O(log m) in the number m of runnable contexts. Linux 6.6+ schedules
 * with EEVDF, whose run queue is still an augmented red-black tree (ordered by virtual deadline,
 * augmented with the minimum vruntime): the claim's structure still applies.
 *
 * The experiment, direct: m threads pinned to CPU 0 pass turns among themselves in a C loop
 * (runqueue.c), so every op is one switch on one CPU's run queue holding about m tasks, and
 * nothing else is measured (no JVM code between switches, no time slice to wait out):
 *   ring  - a futex ring with max(1, m/2) tokens: each pass wakes the next thread, and the passer
 *           blocks when it holds no other token (the article's literal block and wake-up). A
 *           blocked task leaves the tree, and the tokens bunch (a woken thread finds several and
 *           passes them on without blocking), so far fewer than m/2 stay runnable and most passes
 *           make no switch: ebpf.queued.busiest and the switches per pass say how many; shown in
 *           05-sched, not judged. m = 1 hands its token to itself: the futex calls without a switch.
 *   yield - sched_yield in a loop: all m runnable, each pass a pick and a re-insert, no wake-up.
 * One op is one pass. The JMH thread sits on CPU 1 and reads the pass count every few
 * microseconds until PASSES more were made: the crowd is never started or stopped inside a
 * measurement, and thread creation (seconds for thousands) stays in the trial's setup.
 *
 * Confirm m: ebpf.queued.busiest (the eBPF context tier, on every benchmark of `lab run`) is the
 * time-weighted mean of runnable tasks on the busiest CPU, CPU 0 here: m for yield (the claim
 * cfs-log-m uses the points where it is at least m/2), far fewer for ring. Time it under the
 * context tier alone: the detail tier's probes run on every switch and inflate a pass. A flat curve is not a refutation: log2 4096 is 12 levels, each a few ns, under a
 * switch's fixed cost of a microsecond or so; the fit in 05-sched.ipynb says how much of the cost
 * log m can explain. m is bounded by kernel.pid_max, kernel.threads-max and ulimit -u (the setup
 * says which when a rung cannot start) and by memory (64 KiB stacks: 4096 threads take 256 MiB
 * of address space).
 *
 * Pitfalls avoided: the crowd is pinned, so m is per CPU and not left to the load balancer; the
 * pass counter is one atomic on the crowd's CPU, read from the other CPU only every few µs (a
 * tighter poll would bounce its cache line on every pass); the tokens start spread around the
 * ring so the runnable half is spread too.
 *
 * Run: scripts/lab bench -p m=1,64,4096 -p kind=ring,yield 'sched.SchedulerCost'.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class SchedulerCost {
    /** Passes per JMH invocation: long against the poll's granularity, short against an iteration. */
    static final int PASSES = 4096;
    private static final long POLL_NS = 5_000;

    @Param({"1", "2", "4", "8", "16", "32", "64", "128", "256", "512", "1024", "2048", "4096", "8192"})
    public int m;

    /** ring: block and wake-up per pass; yield: sched_yield per pass (all m runnable). */
    @Param({"ring", "yield"})
    public String kind;

    private Crowd crowd;

    @Setup(Level.Trial)
    public void start() {
        Affinity.requireCpus("SchedulerCost", 0, 1);
        Affinity.pinCurrentThread(1);
        crowd = Crowd.start(Crowd.Kind.valueOf(kind.toUpperCase(java.util.Locale.ROOT)), m, 0);
    }

    /** Waits, on CPU 1, until the crowd on CPU 0 has made PASSES more passes. */
    @Benchmark
    @OperationsPerInvocation(PASSES)
    public long pass() {
        return awaitPasses();
    }

    private long awaitPasses() {
        long target = crowd.passes() + PASSES;
        long now;
        while ((now = crowd.passes()) < target) {
            long until = System.nanoTime() + POLL_NS;
            while (System.nanoTime() < until) Thread.onSpinWait();
        }
        return now;
    }

    @TearDown(Level.Trial)
    public void stop() {
        crowd.close();
        Affinity.unpinCurrentThread();
    }
}
