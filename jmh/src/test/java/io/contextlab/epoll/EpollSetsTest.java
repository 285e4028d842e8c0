package io.contextlab.epoll;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contextlab.platform.libc.Epoll;
import io.contextlab.platform.libc.Rlimit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** epoll's semantics that the suite's benchmarks rely on, checked on the running kernel. */
class EpollSetsTest {
    private int epfd;
    private int fd;

    @BeforeEach
    void open() {
        epfd = Epoll.create();
        fd = Epoll.eventfd();
    }

    @AfterEach
    void close() {
        Epoll.close(fd);
        Epoll.close(epfd);
    }

    @Test
    void levelTriggeredReportsAReadyFdAgainUntilDrained() {
        assertEquals(0, Epoll.ctl(epfd, Epoll.CTL_ADD, fd, Epoll.EPOLLIN, 7));
        assertArrayEquals(new long[0], Epoll.wait(epfd, 8, 0));
        Epoll.signal(fd);
        assertArrayEquals(new long[] {7}, Epoll.wait(epfd, 8, 0));
        assertArrayEquals(new long[] {7}, Epoll.wait(epfd, 8, 0));
        assertArrayEquals(new long[] {7}, Epoll.wait(epfd, 8, 0));
        assertEquals(1, Epoll.drain(fd));
        assertArrayEquals(new long[0], Epoll.wait(epfd, 8, 0));
    }

    @Test
    void edgeTriggeredReportsOncePerEdgeEvenWhileStillReadable() {
        assertEquals(0, Epoll.ctl(epfd, Epoll.CTL_ADD, fd, Epoll.EPOLLIN | Epoll.EPOLLET, 7));
        Epoll.signal(fd);
        assertArrayEquals(new long[] {7}, Epoll.wait(epfd, 8, 0));
        assertArrayEquals(new long[0], Epoll.wait(epfd, 8, 0), "no new edge, still readable: not reported");
        Epoll.signal(fd);  // a write to a non-zero eventfd is a new edge
        assertArrayEquals(new long[] {7}, Epoll.wait(epfd, 8, 0));
        assertArrayEquals(new long[0], Epoll.wait(epfd, 8, 0));
        assertEquals(2, Epoll.drain(fd));
    }

    @Test
    void oneShotIsNotReportedAgainUntilRearmed() {
        int flags = Epoll.EPOLLIN | Epoll.EPOLLONESHOT;
        assertEquals(0, Epoll.ctl(epfd, Epoll.CTL_ADD, fd, flags, 7));
        Epoll.signal(fd);
        assertArrayEquals(new long[] {7}, Epoll.wait(epfd, 8, 0));
        Epoll.signal(fd);
        assertArrayEquals(new long[0], Epoll.wait(epfd, 8, 0), "disabled after one report, even with a new edge");
        assertEquals(0, Epoll.ctl(epfd, Epoll.CTL_MOD, fd, flags, 8));
        assertArrayEquals(new long[] {8}, Epoll.wait(epfd, 8, 0), "re-armed while readable: reported at once");
        assertArrayEquals(new long[0], Epoll.wait(epfd, 8, 0));
    }

    @Test
    void aClosedFdLeavesTheInterestList() {
        assertEquals(0, Epoll.ctl(epfd, Epoll.CTL_ADD, fd, Epoll.EPOLLIN, 7));
        Epoll.signal(fd);
        assertArrayEquals(new long[] {7}, Epoll.wait(epfd, 8, 0));
        Epoll.close(fd);
        assertArrayEquals(new long[0], Epoll.wait(epfd, 8, 0), "the closed (last reference) fd is gone from the set");
        fd = Epoll.eventfd();  // most likely the same number: a new file, not registered
        Epoll.signal(fd);
        assertArrayEquals(new long[0], Epoll.wait(epfd, 8, 0));
        assertEquals(0, Epoll.ctl(epfd, Epoll.CTL_ADD, fd, Epoll.EPOLLIN, 9), "ADD succeeds: no stale entry for the number");
    }

    @Test
    void setLoopsDoEveryCallTheyClaim() {
        try (EpollSets.Set set = EpollSets.open(100, 0, 1)) {
            assertEquals(2 * 500, EpollSets.ctlAddDel(set, 500));
            assertEquals(500, EpollSets.ctlMod(set, 500));
            assertEquals(0, EpollSets.waitRounds(set, 10, 0, 100));
            EpollSets.makeReady(set, 10);
            assertEquals(10 * 10, EpollSets.waitRounds(set, 10, 10, 100), "LT: the same 10 every round");
            assertEquals(10 * 12, EpollSets.waitRounds(set, 10, 10, 4), "maxevents 4: 3 calls of 4 per round");
            assertEquals(10 * (10 + 10 + 2), EpollSets.addWaitDelWait(set, 10), "ADD, a wait seeing the 10 ready, DEL, a wait again");
        }
        try (EpollSets.Set set = EpollSets.open(100, Epoll.EPOLLET, 10)) {
            EpollSets.makeReady(set, 10);
            assertEquals(10, EpollSets.waitOnce(set, 1, 100));
            assertEquals(0, EpollSets.waitOnce(set, 5, 100), "ET: nothing new");
            assertEquals(10 * 10, EpollSets.waitEdges(set, 10, 10, 100), "ET: a write per fd per round = r events");
            assertEquals(10 * 25, EpollSets.writeRounds(set, 10, 25));
        }
        try (EpollSets.Set set = EpollSets.open(100, Epoll.EPOLLONESHOT, 0)) {
            EpollSets.makeReady(set, 10);
            assertEquals(10 * 10, EpollSets.waitOneShot(set, 10, 10, 100), "ONESHOT re-armed by MOD every round");
        }
    }

    @Test
    void theFdLimitIsRaisedToTheHardLimitAndMaxFitsUnderIt() {
        long soft = Rlimit.raiseFdLimitToHard();
        assertEquals(Rlimit.fdLimit()[1], soft);
        int max = EpollSets.resolveCount("max", 1, 8);
        assertTrue(max > 0 && max < soft, "max " + max + " under the limit " + soft);
        assertEquals(1000, EpollSets.resolveCount("1000", 1, 8));
    }

    @Test
    void askingForMoreFdsThanTheLimitSaysSo() {
        long soft = Rlimit.raiseFdLimitToHard();
        var e = assertThrows(IllegalStateException.class, () -> EpollSets.open((int) soft + 10, 0, 0));
        assertTrue(e.getMessage().contains("RLIMIT_NOFILE"), e.getMessage());
    }
}
