package io.contextlab.switches;

import io.contextlab.platform.libc.Affinity;
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
 * Claim (first article): a thread switch costs a kernel round trip and a scheduler decision —
 * microseconds, not nanoseconds. Java's platform threads are kernel threads; LockSupport.park is
 * a futex wait (pthread condvar in HotSpot's Parker), unpark a futex wake.
 *
 * Unit: ns per ONE-WAY handoff: ROUND_TRIPS round trips per invocation,
 * @OperationsPerInvocation(2 * ROUND_TRIPS). For the Exchanger one exchange counts as a round
 * trip (each side leaves with the other's token), but it needs only one wake-up where
 * park/unpark needs two; Exchanger also spins before it parks.
 *
 * Pinning (Affinity, sched_setaffinity): the benchmark thread on CPU 0; the partner on CPU 0
 * (cpus=same: every handoff is a context switch on one CPU) or CPU 1 (cpus=two: every handoff is
 * a cross-CPU wake-up). Compare with NativePingPong's FUTEX_THREADS, the same thing without the JVM.
 *
 * Pitfalls avoided: the partner thread is created and pinned once per trial; the benchmark
 * thread is unpinned at teardown so later benchmarks in a shared JVM are not affected.
 *
 * Run: scripts/lab bench 'switches.PlatformThreadHandoff'
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class PlatformThreadHandoff {
    static final int ROUND_TRIPS = 1_000;

    @Param({"parkUnpark", "exchanger"})
    public String protocol;

    @Param({"same", "two"})
    public String cpus;

    private TokenPartner partner;

    @Setup(Level.Trial)
    public void start() {
        Affinity.requireCpus("PlatformThreadHandoff", 0, 1);
        Affinity.pinCurrentThread(0);
        int partnerCpu = cpus.equals("same") ? 0 : 1;
        partner = TokenPartner.start(protocol, Thread.ofPlatform().name("pong").daemon(),
                () -> Affinity.pinCurrentThread(partnerCpu));
    }

    @TearDown(Level.Trial)
    public void stop() {
        partner.stop();
        Affinity.unpinCurrentThread();
    }

    @Benchmark
    @OperationsPerInvocation(2 * ROUND_TRIPS)
    public long handoff() {
        return partner.roundTrips(ROUND_TRIPS);
    }
}
