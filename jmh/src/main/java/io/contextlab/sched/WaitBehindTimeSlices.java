package io.contextlab.sched;

import io.contextlab.platform.libc.Affinity;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
 * block and wake-up costs O(log m) in the number m of runnable contexts, "nearly constant" in
 * practice.
 *
 * The experiment: two platform threads hand a token back and forth with LockSupport.park/unpark
 * (a futex wait and wake each way) while `background` other threads of the same JVM stay
 * runnable the whole time, either spinning (always want the CPU) or yielding (sched_yield in a
 * loop: runnable, but give the CPU up at once). background = 0 is the baseline rung: the bare
 * handoff. One op is one handoff (a round trip is two: @OperationsPerInvocation(2)).
 *
 * Read each score beside the eBPF profiler's figures for the same iteration (the sched suite
 * runs with -prof io.contextlab.tracing.EbpfProfiler): ebpf.nr_running.mean is the m the claim is
 * about (runnable tasks per CPU, sampled), ebpf.runqlat.p50/p99 how long woken threads waited to
 * run. A tree operation is tens of ns per level; a handoff that waits behind spinners pays their
 * time slices. The figure separates the two: if cost grows like log m, the tree shows; if it
 * grows like m, the wait for the CPU does, and the claim is true of the data structure but not
 * of the price a blocked context pays.
 *
 * Pinning (cross-thread benchmarks measure both): placement = sameCpu pins both threads of the
 * pair to CPU 0 (every wake-up is a local enqueue and the two threads alternate on one CPU);
 * twoCpus pins them to CPUs 0 and 1 (every wake-up crosses CPUs: an IPI, and on a VM a halted
 * vCPU to wake). Background threads are pinned too, so that m is known per CPU and not left to
 * the load balancer: with sameCpu all of them share CPU 0 with the pair (m = background + 2 there,
 * while CPU 1 stays free for JMH's, the JIT's and the GC's threads); with twoCpus they alternate
 * between CPUs 0 and 1 (m = background/2 + 2 on each). ebpf.nr_running.cpu0.mean shows it.
 *
 * Pitfalls avoided: the token is a volatile field and each side parks in a loop until it holds
 * it, so an early unpark or a spurious wake-up cannot end a handoff early; the background threads
 * start in the trial's setup and stop in its teardown, so thread creation is never measured;
 * the spin loop calls Thread.onSpinWait and reads a volatile flag, so C2 cannot hoist it away.
 *
 * Run: scripts/lab bench --trace 'sched.WaitBehindTimeSlices' (the quick run uses fewer rungs).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@Threads(1)
public class WaitBehindTimeSlices {
    @Param({"0", "1", "2", "4", "8", "16", "64", "256"})
    public int background;

    @Param({"spin", "yield"})
    public String backgroundKind;

    @Param({"sameCpu", "twoCpus"})
    public String placement;

    private static final int MAIN_TURN = 0, PARTNER_TURN = 1;

    private volatile int turn = MAIN_TURN;
    private volatile boolean running;
    private Thread main;
    private Thread partner;
    private final List<Thread> backgroundThreads = new ArrayList<>();

    @Setup(Level.Trial)
    public void start() {
        int[] cpusUsed = placement.equals("sameCpu") ? new int[] {0} : new int[] {0, 1};
        Affinity.requireCpus("WaitBehindTimeSlices placement=" + placement, cpusUsed);
        running = true;
        main = Thread.currentThread();
        Affinity.pinCurrentThread(0);
        int partnerCpu = placement.equals("sameCpu") ? 0 : 1;
        partner = Thread.ofPlatform().name("handoff-partner").daemon().start(() -> {
            Affinity.pinCurrentThread(partnerCpu);
            while (true) {
                while (turn != PARTNER_TURN) {
                    if (!running) return;
                    LockSupport.park(this);
                }
                turn = MAIN_TURN;
                LockSupport.unpark(main);
            }
        });
        Runnable load = backgroundKind.equals("spin") ? this::spin : this::yieldLoop;
        for (int i = 0; i < background; i++) {
            int cpu = placement.equals("sameCpu") ? 0 : i % 2;
            backgroundThreads.add(Thread.ofPlatform().name("runnable-" + i).daemon().start(() -> {
                Affinity.pinCurrentThread(cpu);
                load.run();
            }));
        }
    }

    private void spin() {
        while (running) Thread.onSpinWait();
    }

    private void yieldLoop() {
        while (running) Thread.yield();
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public void handoff() {
        turn = PARTNER_TURN;
        LockSupport.unpark(partner);
        while (turn != MAIN_TURN) LockSupport.park(this);
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        running = false;
        LockSupport.unpark(partner);
        partner.join();
        for (Thread t : backgroundThreads) t.join();
        backgroundThreads.clear();
        Affinity.unpinCurrentThread();
    }
}
