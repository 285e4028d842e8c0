package io.contextlab.st;

import java.util.ArrayDeque;

/**
 * State Threads' st_cond: coroutines wait until another coroutine signals. No mutex goes with it
 * (unlike pthread_cond_wait): nothing can run between a coroutine testing its predicate and
 * parking here, so no wake-up can be lost in between. Still Mesa semantics — a signalled
 * coroutine only goes to the tail of RUNQ, others may run first — so callers re-test their
 * predicate in a loop. Waiters are woken first in, first out.
 */
public final class Condition {
    private final Scheduler scheduler;
    private final ArrayDeque<Coroutine> waiters = new ArrayDeque<>();

    public Condition(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    public void await() {
        Coroutine me = scheduler.current();
        waiters.addLast(me);
        scheduler.park(me, Coroutine.State.COND_WAIT);
    }

    /** Wakes the longest waiter, if any; returns whether there was one. */
    public boolean signal() {
        Coroutine next = waiters.pollFirst();
        if (next == null) return false;
        scheduler.makeRunnable(next);
        return true;
    }

    /** Wakes every waiter, in the order they began to wait; returns how many. */
    public int broadcast() {
        int n = waiters.size();
        Coroutine next;
        while ((next = waiters.pollFirst()) != null) scheduler.makeRunnable(next);
        return n;
    }
}
