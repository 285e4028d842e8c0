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

/*
 * Claim (first article): select scans every fd on every call, like poll.
 *
 * select(2) takes bitmaps of FD_SETSIZE = 1024 bits: it cannot watch an fd numbered 1024 or
 * more at all, whatever RLIMIT_NOFILE says, so this curve stops at fds = 900: the JVM's own fds
 * (a few dozen) take numbers below 1024 too, and the binding refuses with a clear message if an
 * fd of the set lands above 1023.
 * That limit, not speed, is why servers left select.
 *
 * Measured: `fds` eventfds, the last readable, one op = one call with timeout 0:
 *   select           select(2) over all of them (the caller re-copies the fd_set each call, as
 *                    every select user must, since select overwrites it)
 *   baselineCopy     that fd_set copy alone
 *   poll, epollWait  the same fds and readiness through poll(2) and epoll_wait, side by side
 *
 * Run: scripts/lab bench 'epoll.SelectScan'
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class SelectScan {
    static final int LOOP = 32;

    /** Watched fds; all their numbers must stay below FD_SETSIZE (1024), the JVM's own included. */
    @Param({"10", "100", "900"})
    public int fds;

    private PollSelect.ScanSet scan;
    private EpollSets.Set epoll;

    @Setup(Level.Trial)
    public void open() {
        // the select set first, so that it gets the lowest fd numbers
        scan = PollSelect.open(fds);
        epoll = EpollSets.open(fds, 0, 0);
        EpollSets.makeReady(epoll, 1);
        PollSelect.selectRounds(scan, 1);  // fails here, clearly, if an fd is >= FD_SETSIZE
    }

    @TearDown(Level.Trial)
    public void close() {
        scan.close();
        epoll.close();
    }

    @Benchmark
    @OperationsPerInvocation(LOOP)
    public long baselineCopy() {
        return PollSelect.selectCopyBaseline(scan, LOOP);
    }

    @Benchmark
    @OperationsPerInvocation(LOOP)
    public long select() {
        return PollSelect.selectRounds(scan, LOOP);
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
