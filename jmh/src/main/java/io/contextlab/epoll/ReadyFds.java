package io.contextlab.epoll;

import io.contextlab.lab.FiguresProfiler;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The state the epoll_wait benchmarks share (EpollWaitLevel, EpollWaitEdge, EpollWaitOneShot
 * extend it): `registered` eventfds in one epoll instance, the first r of them made readable once at set-up and never
 * read back, and the maxevents each epoll_wait call gets. The subclass says how the fds are
 * registered (EPOLLET, EPOLLONESHOT) and how many unregistered spares it needs.
 *
 * The benchmarks that {@link #tally} what their waits returned also report `eventsPerWait`
 * (events / epoll_wait calls, per iteration), the figure the LT/ET claim is about: a fd left
 * ready is returned by every level-triggered wait, and by an edge-triggered wait only after a
 * new edge.
 */
@State(Scope.Thread)
public abstract class ReadyFds {
    static final int ROUNDS = 16;

    /** Registered eventfds (fixed: the curve is against r). */
    @Param({"10000"})
    public int registered;

    /** Ready fds; "all" = registered. */
    @Param({"1", "10", "100", "1000", "all"})
    public String r;

    /** epoll_wait's maxevents: 64, or "all" = registered. */
    @Param({"64", "all"})
    public String maxevents;

    protected EpollSets.Set set;
    protected int ready;
    protected int max;

    /** EPOLLET, EPOLLONESHOT or 0, added to EPOLLIN. */
    protected abstract int registrationFlags();

    protected int spares() {
        return 0;
    }

    @Setup(Level.Trial)
    public void open() {
        ready = r.equals("all") ? registered : Integer.parseInt(r);
        max = maxevents.equals("all") ? registered : Integer.parseInt(maxevents);
        set = EpollSets.open(registered, registrationFlags(), spares());
        EpollSets.makeReady(set, ready);
        afterReady();
    }

    private long events;
    private long waits;

    /** epoll_wait calls one harvest of the r ready fds makes: ceil(r / maxevents). */
    protected int waitsPerHarvest() {
        return (ready + max - 1) / max;
    }

    /** Adds what one invocation's waits returned (events) and how many waits it made. */
    protected long tally(long returned, long waitCalls) {
        events += returned;
        waits += waitCalls;
        return returned;
    }

    @TearDown(Level.Iteration)
    public void reportEventsPerWait() {
        if (waits > 0) FiguresProfiler.record("eventsPerWait", (double) events / waits, "events/wait");
        events = 0;
        waits = 0;
    }

    /** Runs at the end of the trial set-up. */
    protected void afterReady() {}

    @TearDown(Level.Trial)
    public void close() {
        set.close();
    }

    /** Fails the benchmark if the rounds collected fewer events than they were meant to. */
    protected long expectAtLeast(long events, String what) {
        if (events < (long) ROUNDS * ready) {
            throw new IllegalStateException(what + " rounds collected " + events + " events, expected " + (long) ROUNDS * ready);
        }
        return events;
    }
}
