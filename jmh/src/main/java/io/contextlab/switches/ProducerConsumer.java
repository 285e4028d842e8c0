package io.contextlab.switches;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/*
 * Claim (second article): producer-consumer is the natural coroutine program — the producer fills
 * the queue and yields to the consumer, which drains it and yields back; with threads the same
 * program pays for sleeping, scheduling and context switches on every handoff. Moving several
 * items per handoff (batch) amortises the switch.
 *
 * Unit: items per second (Throughput, @OperationsPerInvocation(ITEMS)). batch = the queue's
 * capacity, i.e. the most items moved per handoff (1: every item is a handoff; 64).
 *   coroutines       - producer and consumer are two jdk.internal.vm.Continuations, run
 *                      alternately by the benchmark thread; queue = ArrayDeque bounded at batch
 *   virtualThreads   - two virtual threads (default scheduler), ArrayBlockingQueue(batch)
 *   platformThreads  - two platform threads, not pinned (the kernel places them, as it would
 *                      an application's), ArrayBlockingQueue(batch)
 * The consumer takes one item and then drains up to batch - 1 more without blocking.
 *
 * Pitfalls avoided: every variant moves the same boxed Long items (Long.valueOf beyond the cache
 * allocates, in all three) and checks each item against the next expected value, so the work per
 * item is identical and cannot be dropped; the result (the Delivery) is returned. Thread start and
 * join are inside the measurement, amortised over ITEMS items (they cost tens of microseconds,
 * ITEMS items cost milliseconds at least).
 *
 * Run: scripts/lab bench 'switches.ProducerConsumer'
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class ProducerConsumer {
    static final int ITEMS = 4096;
    private static final ContinuationScope SCOPE = new ContinuationScope("producer-consumer");

    @Param({"1", "64"})
    public int batch;

    /** What the consumer saw: how many items, and how many arrived out of order or twice. */
    public record Delivery(long items, long outOfOrder) {}

    /** The consumer's bookkeeping: item i must be the i-th item it receives. */
    static final class Tally {
        long received;
        long outOfOrder;

        void accept(Long item) {
            if (item != received) outOfOrder++;
            received++;
        }

        Delivery delivery() {
            return new Delivery(received, outOfOrder);
        }
    }

    public static Delivery coroutines(int batch, int items) {
        ArrayDeque<Long> queue = new ArrayDeque<>(batch);
        Tally tally = new Tally();
        Continuation producer = new Continuation(SCOPE, () -> {
            for (long i = 0; i < items; i++) {
                if (queue.size() == batch) Continuation.yield(SCOPE);
                queue.addLast(i);
            }
        });
        Continuation consumer = new Continuation(SCOPE, () -> {
            for (;;) {
                Long item;
                while ((item = queue.pollFirst()) != null) tally.accept(item);
                Continuation.yield(SCOPE);
            }
        });
        while (tally.received < items) {
            if (!producer.isDone()) producer.run();
            consumer.run();
        }
        return tally.delivery();
    }

    public static Delivery threads(Thread.Builder builder, int batch, int items) throws InterruptedException {
        BlockingQueue<Long> queue = new ArrayBlockingQueue<>(batch);
        Tally tally = new Tally();
        Thread producer = builder.unstarted(() -> {
            try {
                for (long i = 0; i < items; i++) queue.put(i);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread consumer = builder.unstarted(() -> {
            List<Long> drained = new ArrayList<>(batch);
            try {
                while (tally.received < items) {
                    tally.accept(queue.take());
                    queue.drainTo(drained, batch - 1);
                    for (Long item : drained) tally.accept(item);
                    drained.clear();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        consumer.start();
        producer.start();
        producer.join();
        consumer.join();
        return tally.delivery();
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public Delivery coroutines() {
        return coroutines(batch, ITEMS);
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public Delivery virtualThreads() throws InterruptedException {
        return threads(Thread.ofVirtual(), batch, ITEMS);
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public Delivery platformThreads() throws InterruptedException {
        return threads(Thread.ofPlatform(), batch, ITEMS);
    }
}
