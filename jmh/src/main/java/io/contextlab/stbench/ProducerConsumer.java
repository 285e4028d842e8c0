package io.contextlab.stbench;

import io.contextlab.st.Condition;
import io.contextlab.st.Scheduler;
import io.contextlab.switches.ProducerConsumer.Delivery;
import java.util.ArrayDeque;
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
 * Claim (second article): the producer-consumer program written as two threads of a coroutine
 * runtime keeps the linear, blocking style of threads while its handoffs stay switches at known
 * points — no locks, no kernel. Here the same bounded buffer in the n:1 runtime (two Conditions,
 * a plain ArrayDeque) and on virtual threads (ArrayBlockingQueue: a ReentrantLock and two
 * conditions), one carrier and default.
 *
 * Unit: items per second (Throughput, @OperationsPerInvocation(ITEMS)). batch = the buffer's
 * capacity; the consumer drains whatever is there each time it runs.
 *   stRuntime          - producer waits on notFull when the deque is full, signals notEmpty;
 *                        consumer drains, signals notFull, waits on notEmpty.
 *   virtualOneCarrier  - switches.ProducerConsumer.threads on virtual threads, one carrier.
 *   virtualDefault     - the same, default scheduler (producer and consumer on two carriers).
 *   bareContinuations  - switches.ProducerConsumer.coroutines: two Continuations driven by hand,
 *                        no scheduler, no queue of waiters — the floor.
 * Pinning: none.
 *
 * Pitfalls avoided: the same boxed Long items and the same in-order check per item as the
 * switch ladder's ProducerConsumer (its Delivery is returned and says how many items arrived out
 * of order: 0), so the per-item work is identical across variants.
 *
 * Run: scripts/lab bench 'stbench.ProducerConsumer'
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class ProducerConsumer {
    static final int ITEMS = 4096;

    @Param({"1", "64"})
    public int batch;

    private Scheduler st;

    @Setup(Level.Trial)
    public void open() {
        st = new Scheduler();
    }

    @TearDown(Level.Trial)
    public void close() {
        st.close();
    }

    /** The bounded buffer on the n:1 runtime; returns what the consumer saw. */
    public static Delivery coroutines(Scheduler st, int batch, int items) {
        ArrayDeque<Long> buffer = new ArrayDeque<>(batch);
        Condition notFull = new Condition(st);
        Condition notEmpty = new Condition(st);
        long[] received = {0, 0}; // items, out of order
        st.spawn(() -> {
            for (long i = 0; i < items; i++) {
                while (buffer.size() == batch) notFull.await();
                buffer.addLast(i);
                notEmpty.signal();
            }
        });
        st.spawn(() -> {
            while (received[0] < items) {
                Long item;
                while ((item = buffer.pollFirst()) != null) {
                    if (item != received[0]) received[1]++;
                    received[0]++;
                }
                notFull.signal();
                if (received[0] < items) notEmpty.await();
            }
        });
        st.run();
        return new Delivery(received[0], received[1]);
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public Delivery stRuntime() {
        return coroutines(st, batch, ITEMS);
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    @Fork(value = 3, jvmArgsAppend = Carriers.ONE)
    public Delivery virtualOneCarrier() throws InterruptedException {
        return io.contextlab.switches.ProducerConsumer.threads(Thread.ofVirtual(), batch, ITEMS);
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public Delivery virtualDefault() throws InterruptedException {
        return io.contextlab.switches.ProducerConsumer.threads(Thread.ofVirtual(), batch, ITEMS);
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public Delivery bareContinuations() {
        return io.contextlab.switches.ProducerConsumer.coroutines(batch, ITEMS);
    }
}
