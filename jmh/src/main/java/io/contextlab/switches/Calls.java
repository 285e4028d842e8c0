package io.contextlab.switches;

import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/*
 * Claim (first article): "a call costs about 2 ns", against at least 50 ns for a coroutine switch;
 * callbacks (continuation-passing style) are cheap because each step is just a call.
 *
 * Unit: ns per ONE-WAY transfer, like every rung of the switch ladder: a call and its return are a
 * round trip, so each call counts as two (@OperationsPerInvocation(2)). The article's "call" is a
 * round trip: compare it with twice these figures.
 *
 * Pitfalls avoided: C2 inlines a small static call and the "call" vanishes, so the target is
 * DONT_INLINE; an interface call with one receiver class is devirtualised, so the megamorphic call
 * site cycles through four receiver classes (the profile sees >2, C2 gives up and emits a real
 * itable dispatch). Arguments come from a @State field, results are returned: no constant folding,
 * no dead code. baselineInlined is the same work with the call inlined: the harness floor.
 * The CPS step allocates its captured continuation, as real CPS code does (escape analysis
 * cannot remove it: the receiving call is not inlined).
 *
 * Run: scripts/lab bench 'switches.Calls'
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class Calls {
    interface Step {
        long apply(long x);
    }

    static final class AddOne implements Step { public long apply(long x) { return x + 1; } }
    static final class AddTwo implements Step { public long apply(long x) { return x + 2; } }
    static final class Double implements Step { public long apply(long x) { return x * 2; } }
    static final class Negate implements Step { public long apply(long x) { return -x; } }

    private final Step[] receivers = {new AddOne(), new AddTwo(), new Double(), new Negate()};
    private int next;
    private long x = 42;

    @CompilerControl(CompilerControl.Mode.INLINE)
    private static long inlinedTarget(long v) {
        return v + 1;
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    private static long target(long v) {
        return v + 1;
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    private static long add(long a, long b, LongUnaryOperator k) {
        return k.applyAsLong(a + b);
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    private static long mul(long a, long b, LongUnaryOperator k) {
        return k.applyAsLong(a * b);
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public long baselineInlined() {
        return inlinedTarget(x);
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public long directCall() {
        return target(x);
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public long megamorphicInterfaceCall() {
        Step s = receivers[next++ & 3];
        return s.apply(x);
    }

    /*
     * (x + y) * y in continuation-passing style, the mul(add(...)) shape of the first article:
     * add hands its sum to a continuation that calls mul, which hands its product to the final
     * continuation. Two CPS steps; each is a call into the operation plus a call into its
     * continuation, counted as one round trip (so 4 one-way transfers per invocation).
     * allocatedBytesPerStep (AllocationMeter): the heap bytes per CPS step — the continuation
     * that captures y is an object, because add and mul are real calls it escapes into.
     */
    @Benchmark
    @OperationsPerInvocation(4)
    public long continuationPassingStep(AllocationMeter meter) {
        long y = x;
        return meter.steps(2, add(y, y, sum -> mul(sum, y, product -> product)));
    }
}
