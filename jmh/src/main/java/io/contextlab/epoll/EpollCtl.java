package io.contextlab.epoll;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Claim (first article): epoll keeps its registered fds in a red-black tree, so adding and
 * removing one costs O(log n) in the number n already registered.
 *
 * Measured: epoll_ctl against an epoll instance that holds n registered eventfds, for n from 10
 * to "max" (as many as RLIMIT_NOFILE grants after raising the soft limit to the hard one, minus
 * headroom for the JVM; ~1M on a machine whose hard limit allows it). The n reached is the
 * secondary metric `registeredFds`: each iteration's raw value is n (JMH sums EVENTS counters,
 * so its score is n times the iterations; read rawData). addDel = EPOLL_CTL_ADD then EPOLL_CTL_DEL of one spare fd (one op
 * = the pair, so the tree returns to n each time); mod = EPOLL_CTL_MOD walking all n registered
 * fds in turn, so that successive lookups do not hit one cached path; baseline = the same C
 * loop and argument set-up without the system call.
 *
 * Pitfalls avoided: a Java->native crossing per call would add its own cost, so each invocation
 * runs LOOP calls in C (@OperationsPerInvocation). The C loops return the count of successful
 * calls, which the benchmark returns (no dead code) and which is checked by the binding (an error
 * throws with errno). A log(n) curve is flat: from n = 10 to 10^4 it only doubles the depth, so
 * cache misses on the tree's nodes (which grow with n, not log n) may dominate: read the curve
 * against both log n and the working-set size.
 *
 * Cross-check: crosscheck/epoll_ctl.c is an independent C loop of ADD+DEL at n = 1000.
 *
 * Run: scripts/lab bench 'epoll.EpollCtl' (add -p n=1000,max for a short look)
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class EpollCtl {
    static final int LOOP = 1_000;

    /** Registered fds; "max" = what RLIMIT_NOFILE allows in this JVM. */
    @Param({"10", "100", "1000", "10000", "max"})
    public String n;

    private EpollSets.Set set;

    /** n as resolved in this JVM. JMH sums EVENTS counters over iterations: each raw value is n. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Registered {
        public long registeredFds;
    }

    @Setup(Level.Trial)
    public void open() {
        set = EpollSets.open(EpollSets.resolveCount(n, 1, 8), 0, 1);
    }

    @TearDown(Level.Trial)
    public void close() {
        set.close();
    }

    @Benchmark
    @OperationsPerInvocation(LOOP)
    public long baseline(Registered registered) {
        registered.registeredFds = set.n();
        return EpollSets.ctlBaseline(set, LOOP);
    }

    @Benchmark
    @OperationsPerInvocation(LOOP)
    public long addDel(Registered registered) {
        registered.registeredFds = set.n();
        return EpollSets.ctlAddDel(set, LOOP);
    }

    @Benchmark
    @OperationsPerInvocation(LOOP)
    public long mod(Registered registered) {
        registered.registeredFds = set.n();
        return EpollSets.ctlMod(set, LOOP);
    }
}
