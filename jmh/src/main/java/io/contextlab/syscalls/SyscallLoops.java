package io.contextlab.syscalls;

import io.contextlab.lab.FiguresProfiler;
import io.contextlab.natives.Syscalls;
import io.contextlab.natives.TscClock;
import java.util.concurrent.TimeUnit;
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
 * Claim (first article): entering the kernel is cheap on a modern OS — "about 10 cycles" — and a
 * plain call costs a couple of nanoseconds.
 *
 * Pitfall avoided: one Java->native crossing per syscall would add the crossing's own cost
 * (see NativeCrossings) to every figure. Here each invocation runs LOOP calls inside C and
 * @OperationsPerInvocation divides the time by LOOP, so the crossing is amortised to noise.
 * Each C loop returns a value built from every call, which the benchmark returns, so neither gcc
 * nor C2 can drop the work. The empty loop is the baseline: subtract it to get the call alone.
 *
 * Cycles, not the CPU model string: getppid also reports `tscHz`, the TSC's rate measured
 * against CLOCK_MONOTONIC once per trial (tsc.c, outside the timed region), so the claim's
 * "10 cycles" is judged as (getppid - baselineEmptyLoop) x tscHz on the clock of this run.
 *
 * clock_gettime goes through the vDSO and should not enter the kernel at all; if it costs as
 * much as getppid, the clocksource is not readable from user space (see `lab doctor`).
 *
 * Run: scripts/lab bench 'syscalls.SyscallLoops'
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class SyscallLoops {
    static final int LOOP = 10_000;

    private int devZero;
    private int devNull;

    @Setup(Level.Trial)
    public void open() {
        devZero = Syscalls.open("/dev/zero", Syscalls.O_RDONLY);
        devNull = Syscalls.open("/dev/null", Syscalls.O_WRONLY);
    }

    @TearDown(Level.Trial)
    public void close() {
        Syscalls.close(devZero);
        Syscalls.close(devNull);
    }

    @Benchmark
    @OperationsPerInvocation(LOOP)
    public long baselineEmptyLoop() {
        return Syscalls.loopEmpty(LOOP);
    }

    @Benchmark
    @OperationsPerInvocation(LOOP)
    public long outOfLineCall() {
        return Syscalls.loopCall(LOOP);
    }

    /** The measured TSC rate, calibrated at trial set-up and reported with every iteration of getppid. */
    @State(Scope.Thread)
    public static class MeasuredClock {
        double tscHz;

        @Setup(Level.Trial)
        public void calibrate() {
            tscHz = TscClock.hz();
        }

        @TearDown(Level.Iteration)
        public void report() {
            FiguresProfiler.record("tscHz", tscHz, "Hz");
        }
    }

    @Benchmark
    @OperationsPerInvocation(LOOP)
    public long getppid(MeasuredClock clock) {
        return Syscalls.loopGetppid(LOOP);
    }

    @Benchmark
    @OperationsPerInvocation(LOOP)
    public long read1ByteDevZero() {
        return Syscalls.loopRead1(devZero, LOOP);
    }

    @Benchmark
    @OperationsPerInvocation(LOOP)
    public long write1ByteDevNull() {
        return Syscalls.loopWrite1(devNull, LOOP);
    }

    @Benchmark
    @OperationsPerInvocation(LOOP)
    public long clockGettimeVdso() {
        return Syscalls.loopClockGettime(LOOP);
    }
}
