package io.contextlab.st;

import io.contextlab.platform.libc.Epoll;
import io.contextlab.platform.libc.Sockets;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

/**
 * A State Threads virtual processor: n coroutines on the one OS thread that calls {@link #run}.
 *
 * The queues are the ones the State Threads library keeps:
 *   RUNQ    - coroutines ready to run, served first in, first out;
 *   IOQ     - coroutines parked on an fd, keyed by the fd: at most one reader and one writer per
 *             fd (full duplex), under one EPOLLONESHOT interest that is the union of theirs;
 *   SLEEPQ  - coroutines parked until a deadline, earliest first (ties: the earlier sleep first);
 *             an I/O wait with a timeout sits in IOQ and SLEEPQ at once, and whichever fires
 *             first takes it out of the other (State Threads' st_read with a timeout);
 *   zombies - joinable coroutines that ended before anyone joined them.
 * Mutex and Condition waiters wait on those objects' own FIFO lists, not here: they are woken
 * only by another coroutine, never by the clock or the kernel.
 *
 * {@link #run} is the article's _st_vp_schedule and idle thread in one loop: pull the head of
 * RUNQ and resume it until it parks or ends; when RUNQ is empty, wait in epoll_pwait2 until an fd
 * of IOQ is ready or SLEEPQ's earliest deadline passes, move those coroutines to RUNQ, repeat.
 * That wait is the runtime's only blocking system call. A Continuation is asymmetric, so a switch
 * from coroutine A to B is A's yield back into this loop plus B's run — two continuation
 * transfers, where State Threads' longjmp does one.
 *
 * Fairness: a coroutine that only yields never lets RUNQ run dry, and State Threads would then
 * starve IOQ and SLEEPQ. Here, every {@link #POLL_EVERY} dispatches with waiters in IOQ or
 * SLEEPQ, the loop polls epoll without blocking and checks the clock. With no I/O and no sleeper
 * it never does, so a program without them is scheduled in exactly the order its switch points
 * dictate.
 *
 * Confinement: one thread runs the scheduler; spawn, the queues and every primitive are used
 * from that thread only (from its coroutines, or before run()). Nothing here is thread-safe, on
 * purpose: that is what the model buys. The one exception is {@link #runLater}, the door another
 * thread knocks on (to stop a server, say): an eventfd in the same epoll set, so the run loop
 * learns of it in the wait it makes anyway.
 */
public final class Scheduler implements AutoCloseable {
    static final ContinuationScope SCOPE = new ContinuationScope("st");
    /** epoll events collected per wait. */
    static final int MAX_EVENTS = 256;
    /** Dispatches between non-blocking polls while IOQ or SLEEPQ has waiters. */
    static final int POLL_EVERY = 64;
    /** Native buffer socket reads and writes go through. */
    static final int IO_BYTES = 64 * 1024;

    private static final Comparator<Coroutine> BY_DEADLINE =
            Comparator.<Coroutine>comparingLong(c -> c.deadline).thenComparingLong(c -> c.sleepOrder);

    private final ArrayDeque<Coroutine> runq = new ArrayDeque<>();
    private final Map<Integer, FdWaiters> ioq = new HashMap<>();
    /** A sorted set, not a heap: an I/O wait that completes in time leaves it in O(log n). */
    private final TreeSet<Coroutine> sleepq = new TreeSet<>(BY_DEADLINE);
    private final Set<Coroutine> zombies = new LinkedHashSet<>();

    private final Arena arena = Arena.ofShared();
    final Sockets.Scratch sockets = new Sockets.Scratch(arena);
    final MemorySegment ioBuffer = arena.allocate(IO_BYTES);
    private final MemorySegment events = arena.allocate((long) Epoll.EVENT_BYTES * MAX_EVENTS);
    private final MemorySegment counter = arena.allocate(8);
    private final MemorySegment timespec = arena.allocate(16);
    private final MemorySegment ctlEvent = arena.allocate(Epoll.EVENT_BYTES);
    private final int epfd;
    /** Written by {@link #runLater} from any thread; registered level-triggered under WAKEUP_TAG. */
    private final int wakeupFd;
    private static final long WAKEUP_TAG = -1;
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    /** Guards wakeupFd against a runLater racing close() (a closed fd number can be reused). */
    private final Object wakeupLock = new Object();
    /** fds that have an epoll registration (armed or disarmed by EPOLLONESHOT): the next wait is a MOD. */
    private final Set<Integer> registered = new HashSet<>();

    /** An IOQ entry: who waits to read and who waits to write one fd. */
    private static final class FdWaiters {
        Coroutine reader;
        Coroutine writer;

        int interest() {
            return (reader != null ? Epoll.EPOLLIN : 0) | (writer != null ? Epoll.EPOLLOUT : 0);
        }
    }
    /** Sockets opened through this runtime and not yet closed: close() closes them. */
    final Set<NetFd> open = new LinkedHashSet<>();

    private Coroutine current;
    private Thread runner;
    private int live;
    private long spawned;
    private long sleeps;
    private int sinceLastPoll;
    private long dispatches;
    private long idleWaits;
    private Throwable unjoinedFailure;
    private boolean closed;

    public Scheduler() {
        epfd = Epoll.create();
        wakeupFd = Epoll.eventfd();
        if (Epoll.ctl(epfd, Epoll.CTL_ADD, wakeupFd, Epoll.EPOLLIN, WAKEUP_TAG, ctlEvent) != 0) {
            Epoll.close(wakeupFd);
            Epoll.close(epfd);
            arena.close();
            throw new IllegalStateException("epoll_ctl ADD of the wake-up eventfd failed");
        }
    }

    // ---- creating and running coroutines ---------------------------------------------------

    /** A coroutine that nobody joins: it is forgotten when it ends (a failure surfaces from run()). */
    public Coroutine spawn(Runnable task) {
        return spawn(task, false);
    }

    /** A coroutine someone will {@link #join}: when it ends before that, it waits among the zombies. */
    public Coroutine spawnJoinable(Runnable task) {
        return spawn(task, true);
    }

    /**
     * The one call any thread may make: runs task as a new coroutine of this scheduler, soon.
     * It is seen at the run loop's next epoll wait or poll (at once when the loop is idle), and
     * only while run() runs; a scheduler with nothing left alive returns from run() without it.
     */
    public void runLater(Runnable task) {
        synchronized (wakeupLock) {
            if (closed) throw new IllegalStateException("this scheduler is closed");
            inbox.add(task);
            try (Arena call = Arena.ofConfined()) {
                Epoll.signal(wakeupFd, call.allocate(8));
            }
        }
    }

    private Coroutine spawn(Runnable task, boolean joinable) {
        checkOpen();
        if (runner != null && Thread.currentThread() != runner) throw new IllegalStateException("spawn from a thread that does not run this scheduler");
        Coroutine c = new Coroutine(this, "st-" + spawned++, joinable, task);
        live++;
        runq.addLast(c);
        return c;
    }

    /**
     * Runs coroutines on the calling thread until none is left alive; rethrows the first failure
     * of a coroutine nobody joined. Throws if every live coroutine waits on something only another
     * coroutine could signal (a deadlock), naming them.
     */
    public void run() {
        checkOpen();
        if (runner != null) throw new IllegalStateException("run() is already running (on " + runner + ")");
        runner = Thread.currentThread();
        try {
            for (;;) {
                Coroutine c = runq.pollFirst();
                if (c == null) {
                    if (live == 0) break;
                    idle(-1);
                    continue;
                }
                if (++sinceLastPoll >= POLL_EVERY && !(ioq.isEmpty() && sleepq.isEmpty())) idle(0);
                current = c;
                c.state = Coroutine.State.RUNNING;
                dispatches++;
                c.continuation.run();
                current = null;
                if (c.continuation.isDone()) ended(c);
            }
        } finally {
            current = null;
            runner = null;
        }
        Throwable failure = unjoinedFailure;
        unjoinedFailure = null;
        if (failure != null) throw new IllegalStateException("a coroutine failed: " + failure, failure);
    }

    /**
     * The idle step: wait in epoll until an IOQ fd is ready or SLEEPQ's head is due (at most
     * `maxWaitNanos` when that is not negative), then move the woken coroutines to RUNQ.
     */
    private void idle(long maxWaitNanos) {
        sinceLastPoll = 0;
        if (maxWaitNanos < 0 && ioq.isEmpty() && sleepq.isEmpty()) throw deadlock();
        long timeout = maxWaitNanos;
        if (timeout < 0 && !sleepq.isEmpty()) timeout = Math.max(0, sleepq.first().deadline - System.nanoTime());
        if (timeout != 0) idleWaits++;
        int n = Epoll.pwait2(epfd, events, MAX_EVENTS, timeout, timespec);
        for (int i = 0; i < n; i++) {
            long tag = Epoll.tagAt(events, i);
            if (tag == WAKEUP_TAG) {
                takeInbox();
                continue;
            }
            int fd = (int) tag;
            int ready = Epoll.eventsAt(events, i);
            FdWaiters w = ioq.get(fd);
            if (w == null) continue;
            boolean failed = (ready & (Epoll.EPOLLERR | Epoll.EPOLLHUP)) != 0;
            if (w.reader != null && (failed || (ready & Epoll.EPOLLIN) != 0)) {
                wakeFromIo(w.reader);
                w.reader = null;
            }
            if (w.writer != null && (failed || (ready & Epoll.EPOLLOUT) != 0)) {
                wakeFromIo(w.writer);
                w.writer = null;
            }
            if (w.interest() == 0) ioq.remove(fd);
            else arm(fd, w.interest());  // the one-shot fired: re-arm for the side still waiting
        }
        checkClock();
    }

    private void checkClock() {
        if (sleepq.isEmpty()) return;
        long now = System.nanoTime();
        while (!sleepq.isEmpty() && sleepq.first().deadline - now <= 0) {
            Coroutine c = sleepq.pollFirst();
            c.hasDeadline = false;
            if (c.state == Coroutine.State.IO_WAIT) timeOutIo(c);
            makeRunnable(c);
        }
    }

    /** An I/O wait whose deadline passed first: it leaves IOQ (the one-shot interest may still fire; it finds nobody). */
    private void timeOutIo(Coroutine c) {
        c.timedOut = true;
        FdWaiters w = ioq.get(c.waitFd);
        if (w == null) return;
        if (w.reader == c) w.reader = null;
        if (w.writer == c) w.writer = null;
        if (w.interest() == 0) ioq.remove(c.waitFd);
    }

    /** An I/O wait that the fd ended first: it leaves SLEEPQ if it had a deadline there. */
    private void wakeFromIo(Coroutine c) {
        if (c.hasDeadline) {
            sleepq.remove(c);
            c.hasDeadline = false;
        }
        makeRunnable(c);
    }

    private void takeInbox() {
        Epoll.drain(wakeupFd, counter);
        for (Runnable task; (task = inbox.poll()) != null; ) spawn(task, false);
    }

    private IllegalStateException deadlock() {
        return new IllegalStateException("deadlock: " + live + " coroutine(s) wait on a mutex, a condition or a join"
                + " and none is runnable, sleeping or waiting for I/O");
    }

    private void ended(Coroutine c) {
        live--;
        if (!c.joinable) {
            c.state = Coroutine.State.DONE;
            if (c.failure != null && unjoinedFailure == null) unjoinedFailure = c.failure;
        } else if (c.joiner != null) {
            c.state = Coroutine.State.DONE;
            makeRunnable(c.joiner);
        } else {
            c.state = Coroutine.State.ZOMBIE;
            zombies.add(c);
        }
    }

    void makeRunnable(Coroutine c) {
        c.state = Coroutine.State.RUNNABLE;
        runq.addLast(c);
    }

    /** The running coroutine; throws when called from outside one of this scheduler's coroutines. */
    Coroutine current() {
        Coroutine c = current;
        if (c == null || Thread.currentThread() != runner) {
            throw new IllegalStateException("not inside a coroutine of this scheduler: switch points (yield, sleep, join,"
                    + " lock, await, socket I/O) work only in code spawned on it, while run() runs");
        }
        return c;
    }

    /** Gives the thread back to the run loop; the caller has already queued c where it waits. */
    void park(Coroutine c, Coroutine.State waiting) {
        c.state = waiting;
        Continuation.yield(SCOPE);
    }

    // ---- switch points ------------------------------------------------------------------------

    /** Moves the running coroutine to the tail of RUNQ and runs the head. */
    public void yieldNow() {
        Coroutine me = current();
        runq.addLast(me);
        park(me, Coroutine.State.RUNNABLE);
    }

    /** Parks the running coroutine in SLEEPQ for at least `nanos` (0: a yield). */
    public void sleep(long nanos) {
        Coroutine me = current();
        if (nanos <= 0) {
            yieldNow();
            return;
        }
        enterSleepq(me, System.nanoTime() + nanos);
        park(me, Coroutine.State.SLEEPING);
    }

    /**
     * Waits for a joinable coroutine to end (at once if it is a zombie) and rethrows what it threw.
     * A coroutine is joined once.
     */
    public void join(Coroutine target) {
        Coroutine me = current();
        if (target.scheduler != this) throw new IllegalArgumentException(target + " belongs to another scheduler");
        if (!target.joinable) throw new IllegalArgumentException(target + " was not spawned joinable: use spawnJoinable");
        if (target == me) throw new IllegalArgumentException(target + " cannot join itself");
        if (target.joiner != null || target.state == Coroutine.State.DONE) throw new IllegalStateException(target + " is already joined");
        if (target.state == Coroutine.State.ZOMBIE) {
            zombies.remove(target);
            target.state = Coroutine.State.DONE;
        } else {
            target.joiner = me;
            park(me, Coroutine.State.JOIN_WAIT);
        }
        if (target.failure != null) throw new IllegalStateException(target.name + " failed: " + target.failure, target.failure);
    }

    private void enterSleepq(Coroutine c, long deadline) {
        c.deadline = deadline;
        c.sleepOrder = sleeps++;
        c.hasDeadline = true;
        sleepq.add(c);
    }

    /**
     * Parks the running coroutine in IOQ until fd reports one of `interest` (EPOLLIN, EPOLLOUT);
     * errors and hang-ups wake it too (the next read or write says which). One reader and one
     * writer per fd at a time.
     */
    void awaitFd(int fd, int interest) {
        awaitFd(fd, interest, NO_DEADLINE);
    }

    /** A deadline (System.nanoTime) that never passes: no SLEEPQ entry. */
    static final long NO_DEADLINE = Long.MIN_VALUE;

    /**
     * As {@link #awaitFd(int, int)}, but also in SLEEPQ until `deadline` (System.nanoTime) when
     * there is one: returns false if the deadline came first, true if the fd did.
     */
    boolean awaitFd(int fd, int interest, long deadline) {
        Coroutine me = current();
        FdWaiters w = ioq.computeIfAbsent(fd, k -> new FdWaiters());
        boolean read = interest == Epoll.EPOLLIN;
        Coroutine other = read ? w.reader : w.writer;
        if (other != null) throw new IllegalStateException(other + " already waits to " + (read ? "read" : "write") + " fd " + fd);
        if (read) w.reader = me;
        else w.writer = me;
        try {
            arm(fd, w.interest());
        } catch (IllegalStateException e) {
            if (read) w.reader = null;
            else w.writer = null;
            if (w.interest() == 0) ioq.remove(fd);
            throw e;
        }
        me.waitFd = fd;
        me.timedOut = false;
        if (deadline != NO_DEADLINE) enterSleepq(me, deadline);
        park(me, Coroutine.State.IO_WAIT);
        return !me.timedOut;
    }

    private void arm(int fd, int interest) {
        int op = registered.add(fd) ? Epoll.CTL_ADD : Epoll.CTL_MOD;
        if (Epoll.ctl(epfd, op, fd, interest | Epoll.EPOLLONESHOT, fd, ctlEvent) != 0) {
            registered.remove(fd);
            throw new IllegalStateException("epoll_ctl " + (op == Epoll.CTL_ADD ? "ADD" : "MOD") + " of fd " + fd + " failed");
        }
    }

    /** Called before an fd is closed: drops its epoll registration and wakes its waiter, if any. */
    void forget(int fd) {
        if (registered.remove(fd)) Epoll.ctl(epfd, Epoll.CTL_DEL, fd, 0, 0, ctlEvent);
        FdWaiters w = ioq.remove(fd);
        if (w != null && w.reader != null) wakeFromIo(w.reader);
        if (w != null && w.writer != null) wakeFromIo(w.writer);
    }

    // ---- observation and shutdown -----------------------------------------------------------

    /** Coroutines spawned and not yet ended. */
    public int live() {
        return live;
    }

    /** Coroutines in SLEEPQ: sleeping, or waiting for I/O with a timeout. */
    public int sleeping() {
        return sleepq.size();
    }

    /** Joinable coroutines that ended and wait to be joined. */
    public int zombies() {
        return zombies.size();
    }

    /** Coroutines resumed by the run loop so far. */
    public long dispatches() {
        return dispatches;
    }

    /** epoll waits that could block (RUNQ was empty) so far. */
    public long idleWaits() {
        return idleWaits;
    }

    /** The epoll fd (for tests that count what is open). */
    public int epollFd() {
        return epfd;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("this scheduler is closed");
    }

    /**
     * Closes every socket opened through this runtime and not yet closed: coroutines parked on one
     * wake, and their call fails. From a coroutine (to stop a server), or before or after run().
     */
    public void closeSockets() {
        for (NetFd fd : List.copyOf(open)) fd.close();
    }

    /**
     * Closes every socket opened through this runtime and the epoll fd; coroutines still parked
     * are abandoned (their continuations are garbage). Not while run() runs.
     */
    @Override
    public void close() {
        if (closed) return;
        if (runner != null) throw new IllegalStateException("close() while run() runs: let the coroutines end first");
        synchronized (wakeupLock) {
            closed = true;
            Epoll.close(wakeupFd);
        }
        closeSockets();
        runq.clear();
        ioq.clear();
        sleepq.clear();
        zombies.clear();
        inbox.clear();
        Epoll.close(epfd);
        arena.close();
    }
}
