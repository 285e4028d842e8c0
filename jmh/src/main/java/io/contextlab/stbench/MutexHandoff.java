package io.contextlab.stbench;

import io.contextlab.st.Mutex;
import io.contextlab.st.Scheduler;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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
import org.openjdk.jmh.infra.Blackhole;

/*
 * Claim (second article): with switches only at I/O and synchronisation points, State Threads
 * needs no mutual exclusion against pre-emption, and its mutex, when a program wants one across a
 * switch point, never involves the OS. Here a contended lock handed between two workers: the n:1
 * runtime's Mutex against java.util.concurrent's ReentrantLock on virtual threads.
 *
 * Unit: ns per acquisition. Each of two workers, OPS / 2 times: lock, yield while holding it (so
 * the other worker runs and queues on the lock), unlock. Every acquisition is therefore a
 * handoff from the other worker. @OperationsPerInvocation(OPS).
 *   stRuntime         - io.contextlab.st.Mutex: unlock gives the mutex to the first waiter and
 *                       queues it on RUNQ; no atomic instruction anywhere.
 *   virtualOneCarrier - ReentrantLock(fair) + Thread.yield on one carrier: the FIFO handoff
 *                       policy of st's Mutex (a non-fair lock would let the unlocker barge back
 *                       in and the other worker would starve on one carrier), with CAS, the AQS
 *                       queue and park/unpark through the pool.
 *   virtualDefault    - the same on two carriers: the waiter may sleep on the other carrier, and
 *                       unpark is then a cross-CPU wake-up.
 *   stUncontended     - one coroutine locking and unlocking alone (no switch): the lock's own
 *                       bookkeeping, the baseline. Each acquisition's count goes to a Blackhole
 *                       (in every variant alike), yet this stays below a nanosecond: lock and
 *                       unlock are plain writes of one field that only this thread touches, and
 *                       C2 keeps it in a register across the loop. That is the article's point
 *                       made by the compiler: without pre-emption a lock is bookkeeping, not
 *                       an atomic instruction (ReentrantLock's uncontended path is a CAS).
 * Pinning: none; one carrier vs default is the one-CPU / two-CPU contrast.
 *
 * Pitfalls avoided: the critical section increments a counter that is returned; thread start
 * and join are amortised over OPS acquisitions.
 *
 * Run: scripts/lab bench 'stbench.MutexHandoff'
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class MutexHandoff {
    static final int OPS = 10_000;

    private Scheduler st;
    private long acquisitions;

    @Setup(Level.Trial)
    public void open() {
        st = new Scheduler();
    }

    @TearDown(Level.Trial)
    public void close() {
        st.close();
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long stRuntime(Blackhole bh) {
        Mutex mutex = new Mutex(st);
        Runnable worker = () -> {
            for (int i = 0; i < OPS / 2; i++) {
                mutex.lock();
                bh.consume(++acquisitions);
                st.yieldNow();
                mutex.unlock();
            }
        };
        st.spawn(worker);
        st.spawn(worker);
        st.run();
        return acquisitions;
    }

    private long virtualThreads(Blackhole bh) throws InterruptedException {
        ReentrantLock lock = new ReentrantLock(true);
        Runnable worker = () -> {
            for (int i = 0; i < OPS / 2; i++) {
                lock.lock();
                try {
                    bh.consume(++acquisitions);
                    Thread.yield();
                } finally {
                    lock.unlock();
                }
            }
        };
        Thread a = Thread.ofVirtual().start(worker);
        Thread b = Thread.ofVirtual().start(worker);
        a.join();
        b.join();
        return acquisitions;
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    @Fork(value = 3, jvmArgsAppend = Carriers.ONE)
    public long virtualOneCarrier(Blackhole bh) throws InterruptedException {
        return virtualThreads(bh);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long virtualDefault(Blackhole bh) throws InterruptedException {
        return virtualThreads(bh);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long stUncontended(Blackhole bh) {
        Mutex mutex = new Mutex(st);
        st.spawn(() -> {
            for (int i = 0; i < OPS; i++) {
                mutex.lock();
                bh.consume(++acquisitions);
                mutex.unlock();
            }
        });
        st.run();
        return acquisitions;
    }
}
