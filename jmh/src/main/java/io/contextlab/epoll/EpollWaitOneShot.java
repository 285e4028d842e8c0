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
 * Question (beside the first article's LT/ET claim): what does EPOLLONESHOT cost, the mode that
 * multi-threaded servers use so one event goes to one thread? A one-shot fd is disabled after it
 * is reported and must be re-armed with EPOLL_CTL_MOD.
 *
 * Measured: registered = 10^4 eventfds with EPOLLIN|EPOLLONESHOT, r readable (never drained). One op =
 * epoll_wait until r events are collected + one EPOLL_CTL_MOD per reported fd; the fd is still
 * readable, so the MOD queues it again and the next round finds it ready. The per-fd re-arm is
 * EpollCtl.mod's cost; oneShotRearmed - EpollWaitLevel.levelTriggered (same n, r, maxevents) is
 * what one-shot adds over level-triggered.
 *
 * Pitfall avoided: without the re-arm the second round would find nothing (ONESHOT's point),
 * and a benchmark that forgot it would measure empty calls; the binding fails if a round
 * collects fewer than r events.
 *
 * Run: scripts/lab bench 'epoll.EpollWaitOneShot'
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class EpollWaitOneShot extends ReadyFds {
    @Override
    protected int registrationFlags() {
        return Epoll.EPOLLONESHOT;
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public long oneShotRearmed() {
        return expectAtLeast(EpollSets.waitOneShot(set, ROUNDS, ready, max), "ONESHOT");
    }
}
