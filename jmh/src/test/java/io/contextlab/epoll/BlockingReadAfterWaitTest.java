package io.contextlab.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/*
 * Claim (first article): "only in LT mode does it not matter whether the fd is non-blocking".
 * The behaviour behind BlockingReadAfterWait's blockedReadsPerWait: counts, not times (each ET
 * op ends at the socket's short receive timeout).
 */
class BlockingReadAfterWaitTest {
    static final int OPS = 20;

    private static BlockingReadAfterWait.Counts run(boolean edge) {
        BlockingReadAfterWait bench = new BlockingReadAfterWait();
        bench.open(edge);
        try {
            for (int i = 0; i < OPS; i++) {
                if (edge) bench.edgeTriggered();
                else bench.levelTriggered();
            }
            return bench.counts();
        } finally {
            bench.close();
        }
    }

    @Test
    void levelTriggeredBlockingReadAfterAReportNeverBlocks() {
        assertEquals(new BlockingReadAfterWait.Counts(OPS, 0, OPS), run(false),
                "each LT report is followed by one read that finds the byte reported");
    }

    @Test
    void edgeTriggeredDrainOfABlockingFdBlocksOncePerWait() {
        assertEquals(new BlockingReadAfterWait.Counts(OPS, OPS, OPS), run(true),
                "each ET report: one read gets the byte, the read that finds the fd empty blocks to its timeout");
    }
}
