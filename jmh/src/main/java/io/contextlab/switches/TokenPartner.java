package io.contextlab.switches;

import java.util.concurrent.Exchanger;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The other side of a Java token handoff: a thread (virtual or platform, from the builder it is
 * given) that waits for the token, passes it back, and counts. {@link #roundTrips} is called by
 * the measuring side; each round trip is two one-way handoffs. Three protocols, one per way Java
 * code hands work to another thread: LockSupport.park/unpark (the primitive under j.u.c; a futex
 * for platform threads, a continuation yield for virtual ones), SynchronousQueue and Exchanger.
 */
public abstract sealed class TokenPartner implements AutoCloseable {
    protected final Thread partner;
    protected long partnerPasses;
    private volatile boolean stopping;

    private TokenPartner(Thread.Builder builder, Runnable onStart) {
        this.partner = builder.unstarted(() -> {
            onStart.run();
            serve();
        });
    }

    protected final boolean stopping() {
        return stopping;
    }

    /** The partner's loop; returns when {@link #close} asks it to. */
    protected abstract void serve();

    /** n round trips from the calling thread; returns the tokens that came back. */
    public abstract long roundTrips(long n);

    /** Stops the partner and returns how many tokens it passed back over its life. */
    public long stop() {
        stopping = true;
        partner.interrupt();
        LockSupport.unpark(partner);
        try {
            partner.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return partnerPasses;
    }

    @Override
    public void close() {
        stop();
    }

    /** A partner started on a thread from builder, running onStart first (e.g. to pin itself). */
    public static TokenPartner start(String protocol, Thread.Builder builder, Runnable onStart) {
        TokenPartner p = switch (protocol) {
            case "parkUnpark" -> new ParkUnpark(builder, onStart);
            case "synchronousQueue" -> new Queue(builder, onStart);
            case "exchanger" -> new Exchange(builder, onStart);
            default -> throw new IllegalArgumentException("unknown handoff protocol " + protocol
                    + ": use parkUnpark, synchronousQueue or exchanger");
        };
        p.partner.start();
        return p;
    }

    /** A volatile turn word; each side parks until the turn is its own, then flips it and unparks. */
    static final class ParkUnpark extends TokenPartner {
        private static final int CALLER = 0, PARTNER = 1;
        private volatile int turn = CALLER;
        private volatile Thread caller;

        ParkUnpark(Thread.Builder builder, Runnable onStart) {
            super(builder, onStart);
        }

        @Override
        protected void serve() {
            for (;;) {
                while (turn != PARTNER) {
                    if (stopping()) return;
                    LockSupport.park(this);
                }
                partnerPasses++;
                turn = CALLER;
                LockSupport.unpark(caller);
            }
        }

        @Override
        public long roundTrips(long n) {
            caller = Thread.currentThread();
            long back = 0;
            for (long i = 0; i < n; i++) {
                turn = PARTNER;
                LockSupport.unpark(partner);
                while (turn != CALLER) LockSupport.park(this);
                back++;
            }
            return back;
        }
    }

    static final class Queue extends TokenPartner {
        private final SynchronousQueue<Long> there = new SynchronousQueue<>();
        private final SynchronousQueue<Long> back = new SynchronousQueue<>();

        Queue(Thread.Builder builder, Runnable onStart) {
            super(builder, onStart);
        }

        @Override
        protected void serve() {
            try {
                for (;;) {
                    Long token = there.take();
                    partnerPasses++;
                    back.put(token);
                }
            } catch (InterruptedException stop) {
                // close() interrupts us
            }
        }

        @Override
        public long roundTrips(long n) {
            long returned = 0;
            Long token = 0L;
            try {
                for (long i = 0; i < n; i++) {
                    there.put(token);
                    token = back.take();
                    returned++;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return returned;
        }
    }

    static final class Exchange extends TokenPartner {
        private final Exchanger<Long> exchanger = new Exchanger<>();

        Exchange(Thread.Builder builder, Runnable onStart) {
            super(builder, onStart);
        }

        @Override
        protected void serve() {
            try {
                Long token = 0L;
                for (;;) {
                    token = exchanger.exchange(token);
                    partnerPasses++;
                }
            } catch (InterruptedException stop) {
                // close() interrupts us
            }
        }

        /* One exchange hands a token each way at once: it counts as a round trip. */
        @Override
        public long roundTrips(long n) {
            long returned = 0;
            Long token = 0L;
            try {
                for (long i = 0; i < n; i++) {
                    token = exchanger.exchange(token);
                    returned++;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return returned;
        }
    }
}
