package io.contextlab.switches;

import java.util.concurrent.TimeUnit;
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
 * Claim (second article): a stackless, switch-case coroutine (protothread) is the lightest kind:
 * its whole saved context is "where to resume" plus the locals the programmer moved into fields.
 * This is the Java form of generator.c: a state machine resuming from a saved state field.
 *
 * Unit: ns per ONE-WAY switch; next() is a resume and a yield (a round trip), so
 * @OperationsPerInvocation(2).
 *
 * Pitfalls avoided: next() is DONT_INLINE — inlined, C2 would see through the state field and the
 * benchmark would measure a counter increment, not a resume. The generator lives in @State and its
 * value is returned. baselineInlined is the same state machine with inlining allowed.
 *
 * allocatedBytesPerStep (AllocationMeter): heap bytes per next() — none; the state is the
 * generator's fields, allocated once.
 *
 * Run: scripts/lab bench 'switches.StacklessGenerator'
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class StacklessGenerator {

    /** Yields 0, 1, ..., limit-1, then -1 for ever; resume point and loop variable are fields. */
    public static final class Counter {
        private static final int START = 0, IN_LOOP = 1, DONE = 2;
        private final long limit;
        private int state = START;
        private long i;

        public Counter(long limit) {
            this.limit = limit;
        }

        public boolean done() {
            return state == DONE;
        }

        @CompilerControl(CompilerControl.Mode.DONT_INLINE)
        public long next() {
            return resume();
        }

        @CompilerControl(CompilerControl.Mode.INLINE)
        long resume() {
            switch (state) {
                case START:
                    i = 0;
                    break;
                case IN_LOOP:
                    i++;       // what follows the yield in the loop body
                    break;
                default:
                    return -1;
            }
            if (i < limit) {
                state = IN_LOOP;
                return i;  // yield i
            }
            state = DONE;
            return -1;
        }
    }

    private final Counter generator = new Counter(Long.MAX_VALUE);
    private final Counter inlined = new Counter(Long.MAX_VALUE);

    @Benchmark
    @OperationsPerInvocation(2)
    public long baselineInlined() {
        return inlined.resume();
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public long generatorNext(AllocationMeter meter) {
        return meter.steps(1, generator.next());
    }
}
