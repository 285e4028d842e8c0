package io.contextlab.st;

import java.util.ArrayDeque;

/**
 * State Threads' st_mutex: a lock between coroutines of one scheduler that never touches the OS
 * (no futex, no atomic instruction: only the scheduler's thread ever reads it). Waiters queue
 * first in, first out; unlock hands the mutex straight to the head waiter and puts it on RUNQ,
 * and the unlocking coroutine keeps running — so a released mutex cannot be barged by a
 * coroutine that was not waiting. Not reentrant.
 *
 * Needed at all only across a switch point: between two switch points a coroutine cannot be
 * interrupted, so shared state touched without yielding needs no lock.
 */
public final class Mutex {
    private final Scheduler scheduler;
    private final ArrayDeque<Coroutine> waiters = new ArrayDeque<>();
    private Coroutine owner;

    public Mutex(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    public void lock() {
        Coroutine me = scheduler.current();
        if (owner == null) {
            owner = me;
            return;
        }
        if (owner == me) throw new IllegalStateException(me + " already holds this mutex (it is not reentrant)");
        waiters.addLast(me);
        scheduler.park(me, Coroutine.State.LOCK_WAIT);
        // unlock() made us the owner before it made us runnable
    }

    public boolean tryLock() {
        Coroutine me = scheduler.current();
        if (owner != null) return false;
        owner = me;
        return true;
    }

    public void unlock() {
        Coroutine me = scheduler.current();
        if (owner != me) throw new IllegalStateException(me + " unlocks a mutex held by " + owner);
        Coroutine next = waiters.pollFirst();
        owner = next;
        if (next != null) scheduler.makeRunnable(next);
    }

    public boolean isLocked() {
        return owner != null;
    }
}
