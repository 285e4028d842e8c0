package io.contextlab.switches;

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
import org.openjdk.jmh.annotations.Warmup;

/*
 * Claim (first article): switching between threads or processes goes through the kernel and costs
 * microseconds, orders of magnitude above a coroutine switch; a process switch costs more than a
 * thread switch (address-space change).
 *
 * Unit: ns per ONE-WAY pass of the token. Each invocation makes ROUND_TRIPS round trips in C
 * (pingpong.c) and @OperationsPerInvocation(2 * ROUND_TRIPS) divides by the one-way passes. Each
 * pass is a wake-up of the blocked side plus, on one CPU, a context switch; on two CPUs, a
 * cross-CPU wake-up (IPI; an idle vCPU of a VM also has to leave halt, which is why that figure is
 * tens of microseconds here).
 *
 * Pinning: the benchmark thread is pinned to CPU 0 (Affinity, at trial setup); the partner thread
 * or process is pinned to CPU 0 (cpus=same) or CPU 1 (cpus=two) before its first instruction.
 * The pipe variants are the same protocol as `perf bench sched pipe` (4-byte write, then read):
 * io.contextlab.lab.references.SwitchesReference runs perf under the same pinning (pin_children)
 * and compares.
 *
 * Pitfalls avoided: the partner is started once per trial, so thread creation and fork (of a JVM:
 * page-table copy) are not measured; the loop is in C, so no Java->C crossing per pass.
 *
 * Run: scripts/lab bench 'switches.NativePingPong'
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class NativePingPong {
    static final int ROUND_TRIPS = 1_000;

    @Param({"FUTEX_THREADS", "PIPE_THREADS", "PIPE_PROCESSES"})
    public PingPong.Kind kind;

    @Param({"same", "two"})
    public String cpus;

    private PingPong pingPong;

    @Setup(Level.Trial)
    public void start() {
        Affinity.requireCpus("NativePingPong", 0, 1);
        Affinity.pinCurrentThread(0);
        pingPong = PingPong.start(kind, cpus.equals("same") ? 0 : 1);
    }

    @TearDown(Level.Trial)
    public void stop() {
        pingPong.close();
        Affinity.unpinCurrentThread();
    }

    @Benchmark
    @OperationsPerInvocation(2 * ROUND_TRIPS)
    public long pingPong() {
        return pingPong.run(ROUND_TRIPS);
    }
}
