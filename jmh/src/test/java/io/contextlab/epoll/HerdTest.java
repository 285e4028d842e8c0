package io.contextlab.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every connection of a herd round is accepted exactly once, and the counts add up. */
class HerdTest {
    static final int WAITERS = 4;
    static final int CONNECTIONS = 60;

    @ParameterizedTest
    @EnumSource(Herd.Mode.class)
    void everyConnectionIsAcceptedOnceAndTheCountsAddUp(Herd.Mode mode) {
        try (Herd herd = Herd.start(mode, WAITERS, -1)) {
            for (int round = 0; round < 2; round++) {
                Herd.Round r = herd.round(CONNECTIONS, 50, 5_000);
                assertEquals(CONNECTIONS, r.connections());
                assertEquals(CONNECTIONS, r.accepted(), "accepted exactly once: the per-waiter counts sum to the connections");
                long max = 0, ssq = 0, idle = 0;
                for (long a : r.perWaiterAccepts()) {
                    max = Math.max(max, a);
                    ssq += a * a;
                    if (a == 0) idle++;
                }
                assertEquals(max, r.maxWaiterAccepts());
                assertEquals(ssq, r.sumSquaredAccepts());
                assertEquals(idle, r.idleWaiters());
                assertTrue(r.spurious() <= r.wakeups(), "spurious wake-ups are wake-ups");
                assertTrue(r.wakeups() - r.spurious() <= CONNECTIONS, "each useful wake-up accepted at least one");
                assertTrue(r.wakeups() - r.spurious() >= 1);
                assertTrue(r.kernelWakeups() >= r.wakeups() - 1, "every return to user space followed a wake-up");
                if (mode == Herd.Mode.ACCEPT || mode == Herd.Mode.REUSEPORT) {
                    assertEquals(CONNECTIONS, r.wakeups(), "a blocking accept returns once per connection");
                    assertEquals(0, r.spurious());
                }
            }
        }
    }
}
