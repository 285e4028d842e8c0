package io.contextlab.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.contextlab.epoll.EpollSets.BlockingReads;
import io.contextlab.epoll.EpollSets.ReadDiscipline;
import org.junit.jupiter.api.Test;

/*
 * Claim (first article): "only in LT mode does it not matter whether the fd is non-blocking".
 * A blocking socket with 3 bytes waiting, read after each epoll report; a read that would block
 * ends after SO_RCVTIMEO (a few ms) with EAGAIN, so the test is bounded and the count of such
 * reads is the behaviour, not a time.
 */
class BlockingFdUnderEpollTest {
    static final int BYTES = 3;
    static final int TIMEOUT_MS = 20;

    @Test
    void levelTriggeredBlockingReadAfterAReportNeverBlocks() {
        BlockingReads r = EpollSets.blockingReads(ReadDiscipline.LEVEL_ONE_READ_PER_REPORT, BYTES, TIMEOUT_MS);
        assertEquals(new BlockingReads(BYTES, BYTES, 0), r,
                "LT reports the fd while a byte is left, so each read finds data: one report and one read per byte");
    }

    @Test
    void edgeTriggeredBlockingReadAfterDrainingBlocks() {
        BlockingReads r = EpollSets.blockingReads(ReadDiscipline.EDGE_DRAIN_AFTER_REPORT, BYTES, TIMEOUT_MS);
        assertEquals(new BlockingReads(1, BYTES, 1), r,
                "ET reports once, the loop must drain, and the read after the last byte blocks (until the timeout)");
    }

    @Test
    void edgeTriggeredWithoutDrainingStrandsTheRest() {
        BlockingReads r = EpollSets.blockingReads(ReadDiscipline.EDGE_ONE_READ_PER_REPORT, BYTES, TIMEOUT_MS);
        assertEquals(new BlockingReads(1, 1, 0), r,
                "ET with one read per report never blocks, but the bytes left are never reported again");
    }
}
