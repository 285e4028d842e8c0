package io.contextlab.switches;

import io.contextlab.natives.Coroutines;
import io.contextlab.natives.Coroutines.Stackful;
import io.contextlab.natives.SyscallCounter;
import io.contextlab.natives.Syscalls;
import java.lang.foreign.MemorySegment;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/*
 * Claim (second article): of the C coroutines, switch-case protothreads are the lightest,
 * setjmp/longjmp (State Threads) is fast because it never enters the kernel, and ucontext is slow
 * because swapcontext saves the signal mask with a syscall. The floor under all stackful ones is a
 * hand-written switch of the callee-saved registers (asm_switch.S): asmSwitch resumes the other
 * side with ret, asmSwitchViaIndirectJmp with pop + jmp (the form Boost.Context uses). On this
 * machine the jmp form is the slower one after its first few thousand switches — see
 * asm_switch.S for what was measured and what is not explained.
 *
 * Unit: ns per ONE-WAY switch. Every loop runs ROUND_TRIPS resume+yield pairs inside C, i.e.
 * 2 * ROUND_TRIPS switches, and @OperationsPerInvocation(2 * ROUND_TRIPS) divides by that. For the
 * generator a round trip is one resume (a call that jumps to the saved line) and its yield (the
 * return).
 *
 * Pitfalls avoided: one Java->C crossing per switch would dominate the cheap rungs, so the loop is
 * in C and the crossing is amortised over 20 000 switches. Each loop returns the coroutine's
 * resume count, which the benchmark returns, so nothing is dead. Stacks are mapped once per trial,
 * never inside the measurement. The empty C loop is the baseline.
 *
 * Syscalls per switch: counted once per trial with the kernel's tracepoints (SyscallCounter,
 * outside the timed loop, since an enabled syscall tracepoint slows every syscall) and reported
 * beside the time as the secondary metrics "syscallsPerSwitch" and "rtSigprocmaskPerSwitch".
 * Expected: 0 for setjmp and asm, 1 rt_sigprocmask for ucontext (glibc 2.36 swapcontext makes
 * exactly one), 2 for sigsetjmp(env, 1)/siglongjmp (save in sigsetjmp, restore in siglongjmp).
 * JMH sums an EVENTS counter over every measurement iteration of every fork, so each iteration
 * reports its share, perSwitch / (forks * iterations): the metric's score is the per-switch
 * figure; its per-iteration raw data are those shares.
 *
 * Run: scripts/lab bench 'switches.NativeCoroutines'
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class NativeCoroutines {
    static final int ROUND_TRIPS = 10_000;
    static final int SWITCHES = 2 * ROUND_TRIPS;
    static final int COUNTED_ROUND_TRIPS = 1_000;

    private final Map<Stackful, MemorySegment> coroutines = new EnumMap<>(Stackful.class);
    private final Map<Stackful, SyscallCounter.Counts> syscalls = new EnumMap<>(Stackful.class);
    private String countingUnavailable;
    private double iterationShare;

    /** Syscalls per one-way switch, measured at trial setup; NaN where counting is not possible. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class SyscallsPerSwitch {
        public double syscallsPerSwitch;
        public double rtSigprocmaskPerSwitch;
    }

    @Setup(Level.Trial)
    public void create(BenchmarkParams params) {
        iterationShare = 1.0 / (Math.max(1, params.getForks()) * params.getMeasurement().getCount());
        for (Stackful kind : Stackful.values()) {
            MemorySegment coroutine = Coroutines.create(kind);
            coroutines.put(kind, coroutine);
            if (countingUnavailable != null) continue;
            try {
                syscalls.put(kind, SyscallCounter.count(Coroutines.pingPongSymbol(kind), coroutine, COUNTED_ROUND_TRIPS));
            } catch (UnsupportedOperationException e) {
                countingUnavailable = e.getMessage();
                System.err.println("syscallsPerSwitch will be NaN: " + countingUnavailable);
            }
        }
    }

    @TearDown(Level.Trial)
    public void free() {
        coroutines.forEach(Coroutines::free);
        coroutines.clear();
    }

    private void report(Stackful kind, SyscallsPerSwitch counters) {
        SyscallCounter.Counts counts = syscalls.get(kind);
        double switches = 2.0 * COUNTED_ROUND_TRIPS;
        counters.syscallsPerSwitch = counts == null ? Double.NaN : counts.all() / switches * iterationShare;
        counters.rtSigprocmaskPerSwitch = counts == null ? Double.NaN : counts.rtSigprocmask() / switches * iterationShare;
    }

    private long pingPong(Stackful kind, SyscallsPerSwitch counters) {
        report(kind, counters);
        return Coroutines.pingPong(kind, coroutines.get(kind), ROUND_TRIPS);
    }

    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public long baselineEmptyLoop() {
        return Syscalls.loopEmpty(ROUND_TRIPS);
    }

    /** Protothread-style: resume = call + jump on the saved line; no stack survives a yield. */
    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public long switchCaseGenerator() {
        return Coroutines.generatorLoop(ROUND_TRIPS);
    }

    /** sigsetjmp(env, 0)/siglongjmp: registers only, no signal mask, no syscall. */
    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public long setjmpLongjmp(SyscallsPerSwitch counters) {
        return pingPong(Stackful.SETJMP, counters);
    }

    /** sigsetjmp(env, 1)/siglongjmp: the same switch, saving and restoring the signal mask. */
    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public long sigsetjmpSavingMask(SyscallsPerSwitch counters) {
        return pingPong(Stackful.SIGSETJMP_SAVING_MASK, counters);
    }

    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public long ucontextSwapcontext(SyscallsPerSwitch counters) {
        return pingPong(Stackful.UCONTEXT, counters);
    }

    /** Callee-saved registers, MXCSR, x87 control word and rsp: the floor of a stackful switch. */
    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public long asmSwitch(SyscallsPerSwitch counters) {
        return pingPong(Stackful.ASM, counters);
    }

    /** The same switch resuming the other side with pop + indirect jmp instead of ret. */
    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public long asmSwitchViaIndirectJmp(SyscallsPerSwitch counters) {
        return pingPong(Stackful.ASM_JMP, counters);
    }
}
