package io.contextlab.epoll;

import io.contextlab.lab.FiguresProfiler;
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
 * Claim (first article): the thundering herd on accept — every waiter woken by one connection,
 * all but one for nothing — was solved in the kernel by waking one waiter.
 *
 * Measured: k waiter threads (herd.c) wait for connections on 127.0.0.1 in one of five styles
 * (`style`): blocking accept on one listener; epoll_wait on one shared epoll fd (LT); one epoll
 * fd each (the herd's control: no exclusivity anywhere); one epoll fd each with EPOLLEXCLUSIVE;
 * one SO_REUSEPORT listener each. The client (this benchmark's thread) makes CONNECTIONS
 * connections per invocation, one at a time: connect, wait until accepted, close, then GAP_US
 * of quiet so the wake-ups one connection causes end before the next begins.
 *
 * The figures are the secondary metrics (JMH EVENTS counters, summed over the iterations, so
 * divide by `connections`):
 *   kernelWakeups / connections  waiter wake-ups per connection as the scheduler saw them: the
 *                                waiters' voluntary context switches (/proc/self/task/<tid>),
 *                                one per sleep that a wake-up ended (1 = no herd, k = the herd);
 *                                also recorded divided, as kernelWakeupsPerConnection (mean over
 *                                iterations), the figure EpollReference checks
 *   wakeups / connections        waiter returns to user space per connection
 *   spurious / connections       returns with nothing to accept (epoll styles accept with a
 *                                non-blocking accept4 until EAGAIN, so a loser is seen)
 *   maxWaiterAccepts / connections  mean per-round share of the busiest waiter: 1/k = even
 *                                spread (accept's FIFO queue hands connections round-robin),
 *                                1 = one waiter takes all (a shared epoll fd wakes the waiter
 *                                that slept last, LIFO; EPOLLEXCLUSIVE the first registered)
 *   idleWaiters / (rounds * k)   share of waiters that accepted nothing in a round
 *   sumSquaredAccepts            per-round sums of squared accepts per waiter: the spread's
 *                                CV = sqrt(k * E[ssq] / C^2 - 1), E[ssq] = sumSquaredAccepts / rounds,
 *                                C = connections / rounds
 *   acceptLatencyNs / connections  connect() to accepted, as seen by the client
 * wakeupsPerConnection         kernelWakeups / connections of the iteration, as one figure per
 *                                iteration (FiguresProfiler, averaged over iterations and forks):
 *                                the row per style the claim reads — k for epollEach, about 2
 *                                for sharedEpoll, 1 for epollExclusive, reusePort and accept
 * The two wake-up counts differ because epoll_wait re-polls the listener before returning, and
 * goes back to sleep inside the kernel if another waiter already took the connection: a herd
 * costs wake-ups and context switches that user-space counters never see.
 * The primary score (µs per connection) includes the GAP_US pause and is only a sanity figure.
 * kernelWakeups also counts any other sleep of a waiter (none is expected: accepted sockets
 * are closed with RST, which does not block).
 *
 * Pinning (`cpus`): "all" = waiters and client float over every CPU; "one" = all of them on
 * CPU 0, so each wake-up is a same-CPU switch, not a cross-CPU IPI.
 *
 * Bounded: each connection must be accepted within TIMEOUT_MS or the invocation fails; sockets
 * close with RST (SO_LINGER 0) so no TIME_WAIT accumulates over a run.
 *
 * Run: scripts/lab bench 'epoll.ThunderingHerd' (e.g. -p k=16 -p cpus=all)
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class ThunderingHerd {
    static final int CONNECTIONS = 100;
    static final int GAP_US = 100;
    static final int TIMEOUT_MS = 2_000;

    @Param({"accept", "sharedEpoll", "epollEach", "epollExclusive", "reusePort"})
    public String style;

    @Param({"2", "4", "8", "16"})
    public int k;

    @Param({"all", "one"})
    public String cpus;

    private Herd herd;
    private long iterationConnections;
    private long iterationKernelWakeups;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Counts {
        public long connections;
        public long wakeups;
        public long spurious;
        public long rounds;
        public long maxWaiterAccepts;
        public long idleWaiters;
        public long sumSquaredAccepts;
        public long acceptLatencyNs;
        public long kernelWakeups;

        @Setup(Level.Iteration)
        public void reset() {
            connections = wakeups = spurious = rounds = maxWaiterAccepts = idleWaiters = sumSquaredAccepts = acceptLatencyNs = kernelWakeups = 0;
        }

        /** The figure the outside reference checks (herd_wakeups under perf stat), per connection. */
        @TearDown(Level.Iteration)
        public void recordPerConnection() {
            FiguresProfiler.record("kernelWakeupsPerConnection",
                    connections == 0 ? Double.NaN : (double) kernelWakeups / connections, "wakeups/connection");
        }

        void add(Herd.Round round) {
            connections += round.connections();
            wakeups += round.wakeups();
            spurious += round.spurious();
            rounds++;
            maxWaiterAccepts += round.maxWaiterAccepts();
            idleWaiters += round.idleWaiters();
            sumSquaredAccepts += round.sumSquaredAccepts();
            acceptLatencyNs += round.latencyNs();
            kernelWakeups += round.kernelWakeups();
        }
    }

    static Herd.Mode mode(String style) {
        return switch (style) {
            case "accept" -> Herd.Mode.ACCEPT;
            case "sharedEpoll" -> Herd.Mode.SHARED_EPOLL;
            case "epollEach" -> Herd.Mode.EPOLL_EACH;
            case "epollExclusive" -> Herd.Mode.EPOLL_EXCLUSIVE;
            case "reusePort" -> Herd.Mode.REUSEPORT;
            default -> throw new IllegalArgumentException("unknown style " + style
                    + ": use accept, sharedEpoll, epollEach, epollExclusive or reusePort");
        };
    }

    @Setup(Level.Trial)
    public void start() {
        int pinCpu = switch (cpus) {
            case "all" -> -1;
            case "one" -> 0;
            default -> throw new IllegalArgumentException("unknown cpus " + cpus + ": use all or one");
        };
        herd = Herd.start(mode(style), k, pinCpu);
    }

    @TearDown(Level.Iteration)
    public void reportWakeupsPerConnection() {
        if (iterationConnections > 0) {
            FiguresProfiler.record("wakeupsPerConnection", (double) iterationKernelWakeups / iterationConnections,
                    "wakeups/connection");
        }
        iterationConnections = 0;
        iterationKernelWakeups = 0;
    }

    @TearDown(Level.Trial)
    public void stop() {
        herd.close();
    }

    @Benchmark
    @OperationsPerInvocation(CONNECTIONS)
    public long connectAndCount(Counts counts) {
        Herd.Round round = herd.round(CONNECTIONS, GAP_US, TIMEOUT_MS);
        if (round.accepted() != CONNECTIONS) {
            throw new IllegalStateException(round.accepted() + " of " + CONNECTIONS + " connections accepted");
        }
        counts.add(round);
        iterationConnections += round.connections();
        iterationKernelWakeups += round.kernelWakeups();
        return round.wakeups();
    }
}
