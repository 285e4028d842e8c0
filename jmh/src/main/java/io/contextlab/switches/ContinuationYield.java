package io.contextlab.switches;

import java.util.concurrent.TimeUnit;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
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
import org.openjdk.jmh.annotations.Warmup;

/*
 * Claim (first article): "the minimum switching overhead of a coroutine is 50 ns". Here the
 * JVM's own stackful coroutine, jdk.internal.vm.Continuation (what a virtual thread runs on),
 * without any scheduler: run() mounts it, Continuation.yield unmounts it (freezing its frames
 * into a heap stack chunk), the next run() thaws them.
 *
 * Unit: ns per ONE-WAY switch; run() + yield is a round trip, so @OperationsPerInvocation(2).
 *
 * Parameters: depth = frames between run() and yield (1, 10, 100). The continuation descends once
 * and then yields in a loop at the bottom — the steady state of a coroutine that switches deep in
 * its stack. (OpenJDK's loom/obsolete/FreezeAndThaw micro benchmark asks the other question: a
 * fresh continuation per invocation, one yield, every frame frozen and thawed once.) After the
 * first freeze the JVM thaws lazily (a few frames at a time, a return barrier below them), so a
 * repeated yield at depth 100 need not copy 100 frames each time — which this measures rather
 * than assumes. The frames are DONT_INLINE so that depth means real frames.
 * baselineRecursion: a call down `depth` frames and back, no continuation, on the same scale
 * (call + return = a round trip).
 *
 * allocatedBytesPerStep (AllocationMeter): heap bytes per run + yield — whether the stack chunk
 * holding the frozen frames is reused from one yield to the next or allocated anew. Beside it
 * Calls.continuationPassingStep, whose state is a new heap object per step, and
 * StacklessGenerator, whose state is its own fields.
 *
 * Run: scripts/lab bench 'switches.ContinuationYield'   (needs --add-exports
 * java.base/jdk.internal.vm=ALL-UNNAMED, which BenchMain adds to every fork)
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class ContinuationYield {
    private static final ContinuationScope SCOPE = new ContinuationScope("switches");

    @Param({"1", "10", "100"})
    public int depth;

    private Continuation continuation;
    private long yields;

    @Setup(Level.Trial)
    public void create() {
        continuation = new Continuation(SCOPE, () -> descendThenYieldForever(depth));
        continuation.run(); // first run: build the frames
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    private void descendThenYieldForever(int remaining) {
        if (remaining > 1) {
            descendThenYieldForever(remaining - 1);
            return;
        }
        for (;;) {
            yields++;
            Continuation.yield(SCOPE);
        }
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    private static long recurse(int remaining, long acc) {
        return remaining > 1 ? recurse(remaining - 1, acc + 1) : acc;
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public long runYield(AllocationMeter meter) {
        continuation.run();
        return meter.steps(1, yields);
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public long baselineRecursion() {
        return recurse(depth, yields);
    }
}
