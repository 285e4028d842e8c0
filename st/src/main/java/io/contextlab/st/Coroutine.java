package io.contextlab.st;

import jdk.internal.vm.Continuation;

/**
 * One State Threads "thread": a jdk.internal.vm.Continuation (its own stack, frozen to the heap
 * while it waits) and the state that says which of the scheduler's queues holds it. Created by
 * {@link Scheduler#spawn}; it runs only when the scheduler pulls it off the run queue, and gives
 * the thread back only at the runtime's switch points (yield, sleep, join, mutex, condition,
 * socket I/O) — never pre-empted, so code between two switch points needs no lock.
 */
public final class Coroutine {
    /** Where a coroutine is; each waiting state names the queue or object that holds it. */
    public enum State { RUNNABLE, RUNNING, SLEEPING, IO_WAIT, LOCK_WAIT, COND_WAIT, JOIN_WAIT, ZOMBIE, DONE }

    final Scheduler scheduler;
    final Continuation continuation;
    final String name;
    final boolean joinable;
    State state = State.RUNNABLE;

    /** SLEEPQ order: deadline (System.nanoTime), then the order the sleeps began. */
    long deadline;
    long sleepOrder;
    /** In SLEEPQ now (a sleep, or an I/O wait with a timeout); set on entry, cleared on the way out. */
    boolean hasDeadline;
    /** The fd of the current or last I/O wait, and whether its deadline came first. */
    int waitFd = -1;
    boolean timedOut;
    /** The coroutine waiting in join() for this one to end. */
    Coroutine joiner;
    /** What its task threw; join() rethrows it, the scheduler's run() does for unjoinable ones. */
    Throwable failure;

    Coroutine(Scheduler scheduler, String name, boolean joinable, Runnable task) {
        this.scheduler = scheduler;
        this.name = name;
        this.joinable = joinable;
        this.continuation = new Continuation(Scheduler.SCOPE, () -> {
            try {
                task.run();
            } catch (Throwable t) {
                failure = t;
            }
        });
    }

    public String name() {
        return name;
    }

    public State state() {
        return state;
    }

    @Override
    public String toString() {
        return name + "[" + state + "]";
    }
}
