package io.contextlab.switches;

import io.contextlab.lab.FiguresProfiler;
import io.contextlab.natives.SyscallCounter;
import io.contextlab.natives.Syscalls;
import io.contextlab.switches.Coroutines.Stackful;
import java.lang.foreign.MemorySegment;
import java.util.EnumMap;
import java.util.Map;
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
 * They reach JMH through FiguresProfiler (averaged over iterations), recorded at the end of
 * each iteration, outside the measured loop.
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

    /** Which coroutine each stackful benchmark switches, for recording its syscall counts. */
    private static final Map<String, Stackful> BENCHMARK_KINDS = Map.of(
            "setjmpLongjmp", Stackful.SETJMP,
            "sigsetjmpSavingMask", Stackful.SIGSETJMP_SAVING_MASK,
            "ucontextSwapcontext", Stackful.UCONTEXT,
            "asmSwitch", Stackful.ASM,
            "asmSwitchViaIndirectJmp", Stackful.ASM_JMP);

    @Setup(Level.Trial)
    public void create() {
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

    /** Syscalls per one-way switch, counted at trial setup; NaN where counting is not possible. */
    @TearDown(Level.Iteration)
    public void recordSyscallsPerSwitch(BenchmarkParams params) {
        String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        Stackful kind = BENCHMARK_KINDS.get(method);
        if (kind == null) return;
        SyscallCounter.Counts counts = syscalls.get(kind);
        double switches = 2.0 * COUNTED_ROUND_TRIPS;
        FiguresProfiler.record("syscallsPerSwitch",
                counts == null ? Double.NaN : counts.all() / switches, "syscalls/switch");
        FiguresProfiler.record("rtSigprocmaskPerSwitch",
                counts == null ? Double.NaN : counts.rtSigprocmask() / switches, "syscalls/switch");
    }

    private long pingPong(Stackful kind) {
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
    public long setjmpLongjmp() {
        return pingPong(Stackful.SETJMP);
    }

    /** sigsetjmp(env, 1)/siglongjmp: the same switch, saving and restoring the signal mask. */
    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public long sigsetjmpSavingMask() {
        return pingPong(Stackful.SIGSETJMP_SAVING_MASK);
    }

    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public long ucontextSwapcontext() {
        return pingPong(Stackful.UCONTEXT);
    }

    /** Callee-saved registers, MXCSR, x87 control word and rsp: the floor of a stackful switch. */
    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public long asmSwitch() {
        return pingPong(Stackful.ASM);
    }

    /** The same switch resuming the other side with pop + indirect jmp instead of ret. */
    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public long asmSwitchViaIndirectJmp() {
        return pingPong(Stackful.ASM_JMP);
    }
}
