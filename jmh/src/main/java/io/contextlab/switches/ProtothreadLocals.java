package io.contextlab.switches;

import io.contextlab.lab.FiguresProfiler;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
 * Claim (second article, "Principles and applications of coroutines", the switch-case yield with
 * __LINE__): a protothread cannot keep its state in local variables; a local does not survive a
 * yield, only what lives in static or struct storage does.
 *
 * Measured: yieldWithLocal resumes a C switch-case protothread (protothread_locals.c) whose body
 * gives an automatic local a new value, yields, and after the resume checks whether the local
 * still holds it. Secondary metric `localsPreservedPerYield` (per iteration, through
 * FiguresProfiler): the checks of that iteration that found the value kept, over the checks
 * made. The time is ns per ONE-WAY switch as in NativeCoroutines: ROUND_TRIPS resumes (each a
 * resume and a yield) in one C loop, @OperationsPerInvocation(2 * ROUND_TRIPS).
 *
 * Pitfall avoided: reading an automatic local after a switch-case resume is undefined in C when
 * nothing initialised it on the way in (the resume jumps past the assignment): the figure would
 * be whatever the compiler left in a register or stack slot, and a run could report the local
 * "kept" by accident. The local is therefore initialised to a sentinel at the top of the
 * function on every entry, before the switch (what any re-entry does to a local, made explicit),
 * and the check compares it with the pre-yield value, also stored in the struct. The result is
 * what C guarantees, 0 kept, not an accident of this compiler; it is a behaviour, not a timing.
 * The resume function is noipa so a resume stays a call (inlined into the loop, a local could
 * live on in a register between "resumes" that are no longer re-entries). The loop returns the
 * protothread's check count, so nothing is dead.
 *
 * Run: scripts/lab bench 'switches.ProtothreadLocals'
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class ProtothreadLocals {
    static final int ROUND_TRIPS = 10_000;
    static final int SWITCHES = 2 * ROUND_TRIPS;

    private Arena arena;
    private MemorySegment protothread;
    private long checksAtStart;
    private long preservedAtStart;

    @Setup(Level.Trial)
    public void create() {
        arena = Arena.ofShared();   // JMH may run trial set-up and the iterations on different threads
        protothread = Coroutines.protothreadWithLocal(arena);
    }

    @TearDown(Level.Trial)
    public void free() {
        arena.close();
    }

    @Setup(Level.Iteration)
    public void startCounting() {
        checksAtStart = Coroutines.protothreadLocalLoop(protothread, 0);
        preservedAtStart = Coroutines.protothreadLocalsPreserved(protothread);
    }

    /** This iteration's fraction of checks (one per yield resumed from) that found the local kept. */
    @TearDown(Level.Iteration)
    public void recordLocalsPreserved() {
        FiguresProfiler.record("localsPreservedPerYield", fraction(), "fraction of yields");
    }

    /** Preserved checks over checks since startCounting; NaN if none were made. */
    double fraction() {
        long checks = Coroutines.protothreadLocalLoop(protothread, 0) - checksAtStart;
        long preserved = Coroutines.protothreadLocalsPreserved(protothread) - preservedAtStart;
        return checks > 0 ? (double) preserved / checks : Double.NaN;
    }

    /** ROUND_TRIPS resumes of the protothread; its checks so far. */
    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public long yieldWithLocal() {
        return Coroutines.protothreadLocalLoop(protothread, ROUND_TRIPS);
    }
}
