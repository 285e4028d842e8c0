package io.contextlab.epoll;

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
 * Claim (first article): epoll_wait's cost follows the ready fds, not the registered ones (the
 * ready list); in level-triggered mode a fd that stays ready is returned by every call.
 *
 * Measured: registered = 10^4 eventfds, r of them readable and never drained. One op = one
 * "harvest": epoll_wait(timeout 0) calls until r events are collected, maxevents per call = 64
 * (small: ceil(r/64) calls, the list rotates since LT re-queues each reported fd at the tail)
 * or "all" = registered (large: one call). Compare with EpollWaitEdge.noNewEdge (the same fds, already reported,
 * EPOLLET: nothing returned) for the floor of the call, and with PollScan for the
 * registered-count independence (one ready of n).
 *
 * Secondary metric `eventsPerWait`: events returned over epoll_wait calls (ceil(r/maxevents)
 * calls per harvest): r at maxevents=all, every wait, though nothing is ever read.
 *
 * Pitfall avoided: making fds ready is not part of the op here. Level-triggered readiness needs
 * no re-arming, so the r eventfds are written once at set-up and every round finds them ready;
 * the edge-triggered class has to pay a write per fd per round and measures it as a baseline.
 * Rounds run in C (@OperationsPerInvocation), and the binding fails if a round collects fewer
 * than r events.
 *
 * Run: scripts/lab bench 'epoll.EpollWaitLevel' (e.g. -p r=1,1000 -p maxevents=all)
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class EpollWaitLevel extends ReadyFds {
    @Override
    protected int registrationFlags() {
        return 0;
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public long levelTriggered() {
        return tally(expectAtLeast(EpollSets.waitRounds(set, ROUNDS, ready, max), "LT"), (long) ROUNDS * waitsPerHarvest());
    }
}
