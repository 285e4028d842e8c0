package io.contextlab.switches;

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
 * Claim (first article): coroutines switch without entering the kernel, threads cannot. A virtual
 * thread is a Continuation plus a scheduler: a handoff is a yield (park), a submit of the other
 * continuation to the ForkJoinPool (unpark) and a run on a carrier.
 *
 * Unit: ns per ONE-WAY handoff. Two virtual threads make ROUND_TRIPS round trips per invocation,
 * @OperationsPerInvocation(2 * ROUND_TRIPS).
 *
 * Settings: oneCarrier* forks with -Djdk.virtualThreadScheduler.parallelism=1, so both virtual
 * threads share one carrier and a handoff never wakes another OS thread; the others use the
 * default scheduler (parallelism = CPUs = 2 here), where the unparked thread may be picked up
 * by the other, idle carrier — a cross-CPU wake-up of a parked carrier.
 * Protocols (TokenPartner): LockSupport.park/unpark on a volatile turn word, and SynchronousQueue.
 *
 * Pitfalls avoided: the partner virtual thread lives for the whole trial; per invocation one
 * "ping" virtual thread is started and joined by the benchmark (platform) thread — that start
 * and join (a few microseconds, one wake-up of the benchmark thread) are amortised over
 * 2 * ROUND_TRIPS handoffs. Each run returns the tokens that came back.
 *
 * Run: scripts/lab bench 'switches.VirtualThreadHandoff'
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class VirtualThreadHandoff {
    static final int ROUND_TRIPS = 5_000;
    static final String ONE_CARRIER = "-Djdk.virtualThreadScheduler.parallelism=1";

    @Param({"parkUnpark", "synchronousQueue"})
    public String protocol;

    private TokenPartner partner;
    private long returned;

    @Setup(Level.Trial)
    public void start() {
        partner = TokenPartner.start(protocol, Thread.ofVirtual().name("pong"), () -> {});
    }

    @TearDown(Level.Trial)
    public void stop() {
        partner.stop();
    }

    private long handoffs() throws InterruptedException {
        Thread ping = Thread.ofVirtual().name("ping").start(() -> returned = partner.roundTrips(ROUND_TRIPS));
        ping.join();
        return returned;
    }

    @Benchmark
    @OperationsPerInvocation(2 * ROUND_TRIPS)
    public long defaultScheduler() throws InterruptedException {
        return handoffs();
    }

    @Benchmark
    @OperationsPerInvocation(2 * ROUND_TRIPS)
    @Fork(value = 3, jvmArgsAppend = ONE_CARRIER)
    public long oneCarrier() throws InterruptedException {
        return handoffs();
    }
}
