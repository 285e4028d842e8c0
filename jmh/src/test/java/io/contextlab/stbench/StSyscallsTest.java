package io.contextlab.stbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.contextlab.natives.SyscallCounter;
import io.contextlab.st.NetFd;
import io.contextlab.st.Scheduler;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The State Threads runtime's syscalls, counted by the kernel's tracepoints on the runtime's
 * thread: none for a yield; per I/O wait (within the tolerance each test states) the program's read that found nothing, its read that
 * succeeds and the peer's write, plus the scheduler's epoll_ctl and epoll wait. Needs root or
 * CAP_PERFMON and tracefs; skipped with the reason without them.
 */
@Timeout(60)
class StSyscallsTest {
    private static long count(LongConsumer work, long n) {
        work.accept(n);  // classes loaded and the paths run before counting
        try {
            return SyscallCounter.countJava(work, n).all();
        } catch (UnsupportedOperationException e) {
            assumeTrue(false, "cannot count syscalls: " + e.getMessage());
            throw e;
        }
    }

    /** None, up to a safepoint the JVM might stop this thread at (a futex wait): under 1 in 1,000 switches. */
    @Test
    void aYieldBetweenTwoCoroutinesMakesNoSyscall() {
        long syscalls = count(YieldSwitch::yieldInFreshRuntime, 10_000);
        assertTrue(syscalls < 10, syscalls + " syscalls in 10,000 yields");
    }

    @Test
    void eachIoWaitIsFiveSyscallsOfWhichTheSchedulerMakesTwo() {
        long pings = 1_000;
        long syscalls = count(SocketPing::pingInFreshRuntime, pings);
        assertEquals(2 * pings, SocketPing.lastIoWaits, "each side parks once per ping");
        // Five per wait, up to the ends of the run and the scheduler's non-blocking poll every
        // POLL_EVERY dispatches (an epoll call too): within 1 %.
        assertEquals(5.0, (double) syscalls / SocketPing.lastIoWaits, 0.05,
                "per I/O wait: read (EAGAIN), epoll_ctl, epoll wait, read, and the peer's write");
    }

    /** The slope between two runs leaves out the fresh pair's set-up and tear-down: five a wait, to within a hundredth. */
    @Test
    void perIoWaitTheSlopeIsFiveWithoutTheRunsEnds() {
        SocketPing.pingInFreshRuntime(1_000);  // classes loaded and the paths run before counting
        SyscallCounter.Slope slope;
        try {
            slope = SyscallCounter.slope(SocketPing::pingInFreshRuntime, 1_000, () -> SocketPing.lastIoWaits);
        } catch (UnsupportedOperationException e) {
            assumeTrue(false, "cannot count syscalls: " + e.getMessage());
            throw e;
        }
        assertEquals(5.0, slope.perUnit(), 0.01, slope.syscalls() + " syscalls over " + slope.units() + " waits");
    }

    @Test
    void thePingEchoesEveryByte() {
        try (Scheduler st = new Scheduler()) {
            NetFd[] pair = SocketPing.connect(st);
            assertEquals(100, SocketPing.ping(st, pair[0], pair[1], 100));
        }
    }
}
