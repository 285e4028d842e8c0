package io.contextlab.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class FaultsTest {
    private static final int PAGES = 512;
    private static final long BYTES = PAGES * 4096L;

    @Test
    void touchingFreshPagesRaisesMinorFaultsByAtLeastTheirNumber() {
        MemorySegment region = Faults.map(BYTES, Faults.Mapping.FRESH);
        try {
            long before = Stacks.threadMinorFaults();
            assertEquals(PAGES, Faults.touchPages(region, BYTES));
            long faults = Stacks.threadMinorFaults() - before;
            assertTrue(faults >= PAGES, "touched " + PAGES + " fresh pages, saw " + faults + " minor faults");
        } finally {
            Faults.unmap(region, BYTES);
        }
    }

    @Test
    void populatedPagesDoNotFaultAgain() {
        MemorySegment region = Faults.map(BYTES, Faults.Mapping.POPULATE);
        try {
            long before = Stacks.threadMinorFaults();
            Faults.touchPages(region, BYTES);
            long faults = Stacks.threadMinorFaults() - before;
            assertTrue(faults < PAGES / 8, "MAP_POPULATE should leave nothing to fault, saw " + faults + " faults");
        } finally {
            Faults.unmap(region, BYTES);
        }
    }

    @Test
    void ownStackTouchWritesTheWholePagesAsked() {
        assertEquals(0, Stacks.touchOwnStack(0));
        assertEquals(16, Stacks.touchOwnStack(16 * 4096));
    }
}
