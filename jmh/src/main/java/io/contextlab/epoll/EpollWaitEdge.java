package io.contextlab.epoll;

import io.contextlab.platform.libc.Epoll;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/*
 * Claim (first article): edge-triggered epoll returns only what became ready since the last
 * call, so it returns far fewer events than level-triggered when fds stay ready.
 *
 * Measured, registered = 10^4 eventfds registered with EPOLLIN|EPOLLET, r of them readable:
 *   noNewEdge       one epoll_wait(timeout 0) when the r fds are ready but already reported:
 *                   returns nothing. Beside EpollWaitLevel.levelTriggered (same r, returns r).
 *   edgeTriggered   one round = a new edge on r fds (an eventfd write each, which runs epoll's
 *                   wake-up callback and queues the fd) + epoll_wait until the r are collected.
 *   baselineEdgeWrites  the same r writes to eventfds no epoll watches: the readiness-making
 *                   alone. edgeTriggered - baselineEdgeWrites = the callbacks + the harvest.
 * maxevents = 64 or "all" (= registered), as in EpollWaitLevel.
 *
 * Events per wait (secondary metric `eventsPerWait`, the claim's own measure): noNewEdge asks
 * while r fds still hold unread data and gets 0 events per wait — each fd was reported once,
 * at its edge; edgeTriggered gets them again only because each round wrote new data (r per
 * wait at maxevents=all). EpollWaitLevel.levelTriggered gets all r on every wait, unread data
 * being enough.
 *
 * Pitfall avoided: an edge-triggered fd is reported once per edge, so measuring repeated waits
 * without new edges measures an empty call; re-arming by reading and re-writing would measure
 * the reads too. A write to an eventfd is an edge even if its counter is already non-zero, so
 * one write per fd per round is the cheapest re-arm, and its cost is measured separately.
 *
 * Run: scripts/lab bench 'epoll.EpollWaitEdge'
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class EpollWaitEdge extends ReadyFds {
    @Override
    protected int registrationFlags() {
        return Epoll.EPOLLET;
    }

    /** The unregistered eventfds baselineEdgeWrites writes to (cycling over them). */
    @Override
    protected int spares() {
        return Math.min(ready, 1024);
    }

    /** The set-up edges are reported once, so that every op starts with nothing new. */
    @Override
    protected void afterReady() {
        EpollSets.waitRounds(set, 1, ready, max);
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public long noNewEdge() {
        return tally(EpollSets.waitOnce(set, ROUNDS, max), ROUNDS);
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public long edgeTriggered() {
        return tally(expectAtLeast(EpollSets.waitEdges(set, ROUNDS, ready, max), "ET"), (long) ROUNDS * waitsPerHarvest());
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public long baselineEdgeWrites() {
        return EpollSets.writeRounds(set, ROUNDS, ready);
    }
}
