package io.contextlab.switches;

import io.contextlab.lab.FiguresProfiler;
import java.lang.management.ManagementFactory;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Bytes the benchmark thread allocates per step, as the secondary metric `allocatedBytesPerStep`
 * (B/step), for the claim "callbacks keep their state on the heap, coroutines on a stack".
 * The thread's allocation counter (com.sun.management.ThreadMXBean, exact per thread: TLAB and
 * outside-TLAB allocations) is read at the start and the end of each iteration, outside the
 * timed loop; the benchmark adds the steps it made ({@link #steps}), a plain field increment.
 * What JMH's own loop allocates around the calls (nothing in AverageTime mode) is in the figure too.
 */
@State(Scope.Thread)
public class AllocationMeter {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private long steps;
    private long startBytes;

    /** Adds the steps of one invocation; returns its argument so the call can wrap the result. */
    public long steps(int n, long result) {
        steps += n;
        return result;
    }

    @Setup(Level.Iteration)
    public void begin() {
        steps = 0;
        startBytes = THREADS.getCurrentThreadAllocatedBytes();
    }

    /** Bytes allocated by this thread since {@link #begin}, per step counted since then (NaN: no step). */
    public double bytesPerStep() {
        long bytes = THREADS.getCurrentThreadAllocatedBytes() - startBytes;
        return steps > 0 ? (double) bytes / steps : Double.NaN;
    }

    @TearDown(Level.Iteration)
    public void end() {
        if (steps > 0) FiguresProfiler.record("allocatedBytesPerStep", bytesPerStep(), "B/step");
    }
}
