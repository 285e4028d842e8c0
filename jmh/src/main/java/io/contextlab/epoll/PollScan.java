package io.contextlab.epoll;

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
import org.openjdk.jmh.infra.BenchmarkParams;

/*
 * Claim (first article): poll (like select) scans every fd it is given on every call, so its
 * cost grows with the fds watched even when one is ready; epoll_wait's does not.
 *
 * Measured: n eventfds of which one (the last) is readable; one op = one call with timeout 0.
 *   poll        poll(2) over all n (the kernel calls each fd's poll method, copies n pollfds)
 *   epollWait   epoll_wait on an epoll instance with the same kind of n eventfds registered,
 *               one readable, level-triggered: the comparison rung (and baseline) of poll
 * n runs to "max" = half of what RLIMIT_NOFILE grants (raised to the hard limit), so that poll
 * and epollWait scan the same n on any host. Each benchmark opens only its own set: with both
 * open, a fixed n = 10000 did not fit a hard limit of 20000 (found by `lab run --full --smoke`).
 * select(2) stops at FD_SETSIZE: see SelectScan.
 *
 * Pitfall avoided: a call per Java->native crossing would add the crossing to both; LOOP calls
 * run in C (@OperationsPerInvocation). Each returns the ready count summed, which is returned.
 *
 * Run: scripts/lab bench 'epoll.PollScan'
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class PollScan {
    static final int LOOP = 32;

    /** Watched fds; "max" = half of what RLIMIT_NOFILE leaves (two sets of n are open). */
    @Param({"10", "100", "1000", "10000", "max"})
    public String n;

    private PollSelect.ScanSet scan;
    private EpollSets.Set epoll;

    @Setup(Level.Trial)
    public void open(BenchmarkParams params) {
        int count = EpollSets.resolveCount(n, 2, 8);
        if (params.getBenchmark().endsWith(".poll")) {
            scan = PollSelect.open(count);
        } else {
            epoll = EpollSets.open(count, 0, 0);
            EpollSets.makeReady(epoll, 1);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        if (scan != null) scan.close();
        if (epoll != null) epoll.close();
        scan = null;
        epoll = null;
    }

    @Benchmark
    @OperationsPerInvocation(LOOP)
    public long poll() {
        return PollSelect.pollRounds(scan, LOOP);
    }

    @Benchmark
    @OperationsPerInvocation(LOOP)
    public long epollWait() {
        return EpollSets.waitRounds(epoll, LOOP, 1, epoll.n());
    }
}
