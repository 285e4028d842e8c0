package io.contextlab.uring;

import io.contextlab.lab.FiguresProfiler;
import io.contextlab.natives.Syscalls;
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
 * Claim (first article): asynchronous, completion-based I/O lets a program hand the kernel work
 * without paying a kernel entry per operation. io_uring is Linux's form of it: submissions and
 * completions are rings in shared memory, and one io_uring_enter submits a whole batch.
 *
 * Measured, per operation: n IORING_OP_NOP submitted with one io_uring_enter (which also waits
 * for the n completions; a NOP completes inside it), for n = 1, 8, 64, 512 (`nopPerEnter`);
 * the same with SQPOLL, where a kernel thread polls the submission ring so the submitting
 * thread makes no system call at all (`nopSqpoll`); against n plain system calls (getppid, the
 * cheapest real one: `getppid`) and the empty C loop (`baselineEmptyLoop`). The secondary
 * metric `syscallsPerOp` is counted, outside the timed region, with the kernel's
 * raw_syscalls:sys_enter tracepoint: 1/n for nopPerEnter, ~0 for SQPOLL, 1 for getppid.
 *
 * Pinning, for nopSqpoll only: the benchmark thread on CPU 0, the SQ thread bound to CPU 1
 * (IORING_SETUP_SQ_AFF). The submitter spins on the completion ring; on one CPU it would spin
 * while the SQ thread waits for that very CPU. Measured here: both on CPU 0 cost ~8 ms per NOP
 * (they take turns by scheduler slice). Without SQ_AFF, Linux 6.18 starts the SQ thread with its
 * creator's affinity, so a pinned creator drags it onto its own CPU: the binding must be
 * explicit. SQPOLL's time per op is the submitter's; the SQ thread burns the other CPU the whole
 * time (the secondary metric `sqThreadCpuShare` says how much of it), and on a shared machine it
 * is preempted like any thread, which shows as microseconds per op. Where the kernel refuses
 * SQPOLL the setup fails with the reason (JMH prints it and goes on), and every other benchmark
 * of this class records `sqpollAvailable` = 0. The other benchmarks stay unpinned: they are one
 * thread each, and a pinned thread cannot move away from another program pinned to its CPU.
 *
 * Pitfalls avoided: one Java->native crossing per op would dwarf a NOP, so each invocation runs
 * OPS operations in C (@OperationsPerInvocation); the C loops check every completion and return
 * their count, which the benchmark returns (no dead code). OPS is a multiple of every n.
 *
 * Run: scripts/lab bench 'uring.NopBatching' (add -p n=1,64 for a short look)
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class NopBatching {
    static final int OPS = 4096;
    static final int SUBMITTER_CPU = 0;
    static final int SQ_THREAD_CPU = 1;

    /** Operations per io_uring_enter (and per loop of plain calls). */
    @Param({"1", "8", "64", "512"})
    public int n;

    private Uring.Ring ring;
    private Uring.Ring sqpollRing;
    private String sqpollRefused;
    private double syscallsPerOp = Double.NaN;
    private long sqThreadCpuNsBefore;
    private long iterationStartNs;

    @Setup(Level.Trial)
    public void open(org.openjdk.jmh.infra.BenchmarkParams params) {
        // Counted before pinning: HotSpot's processor count is the calling thread's affinity.
        boolean twoCpus = Runtime.getRuntime().availableProcessors() > 1;
        boolean sqpoll = params.getBenchmark().endsWith(".nopSqpoll");
        if (sqpoll) Affinity.pinCurrentThread(SUBMITTER_CPU);
        ring = Uring.open(512);
        try {
            sqpollRing = Uring.openSqpoll(512, SQ_THREAD_CPU);
        } catch (Uring.Refused e) {
            sqpollRefused = e.getMessage();
            if (sqpoll) throw e;
        }
        if (sqpoll && !twoCpus) {
            throw new IllegalStateException("nopSqpoll needs two CPUs: the SQ thread and the spinning submitter on one CPU "
                    + "take turns by time slice (milliseconds per op); run it where taskset allows CPUs 0 and 1");
        }
        if (params.getBenchmark().endsWith(".nopPerEnter")) {
            syscallsPerOp = Uring.syscallsPerNop(ring, n, OPS);
        } else if (sqpoll) {
            Uring.nops(sqpollRing, OPS, n);  // wake the SQ thread before counting
            syscallsPerOp = Uring.syscallsPerNop(sqpollRing, n, OPS);
        }
        if (!sqpoll && sqpollRing != null) {  // only nopSqpoll keeps a polling thread busy
            sqpollRing.close();
            sqpollRing = null;
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        ring.close();
        if (sqpollRing != null) {
            sqpollRing.close();
            Affinity.unpinCurrentThread();
        }
    }

    @Setup(Level.Iteration)
    public void markIteration() {
        sqThreadCpuNsBefore = SqThread.cpuNanos();
        iterationStartNs = System.nanoTime();
    }

    @TearDown(Level.Iteration)
    public void recordFigures() {
        FiguresProfiler.record("sqpollAvailable", sqpollRefused == null ? 1 : 0, "boolean");
        if (!Double.isNaN(syscallsPerOp)) FiguresProfiler.record("syscallsPerOp", syscallsPerOp, "syscalls/op");
        if (sqpollRing != null) {
            double share = (double) (SqThread.cpuNanos() - sqThreadCpuNsBefore) / (System.nanoTime() - iterationStartNs);
            FiguresProfiler.record("sqThreadCpuShare", share, "CPU");
        }
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long baselineEmptyLoop() {
        return Syscalls.loopEmpty(OPS);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long getppid() {
        return Syscalls.loopGetppid(OPS);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long nopPerEnter() {
        return Uring.nops(ring, OPS, n);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long nopSqpoll() {
        return Uring.nops(sqpollRing, OPS, n);
    }
}
