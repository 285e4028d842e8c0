package io.contextlab.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** RSS follows what the threads touched, not what their stacks reserve. Behaviour, not timing. */
class StackMemoryTest {
    private static final int THREADS = 200;

    /** Per-thread growth while a fleet is parked, then the fleet is joined. */
    private static ProcessMemory perThread(long touchBytes, long stackBytes) {
        ProcessMemory before = ProcessMemory.now();
        Stacks.Fleet fleet = Stacks.startFleet(THREADS, touchBytes, stackBytes);
        try {
            assertEquals(THREADS, fleet.parked());
            ProcessMemory grown = ProcessMemory.now().minus(before);
            return new ProcessMemory(grown.vmRssBytes() / THREADS, grown.rollupRssBytes() / THREADS,
                    grown.vmSizeBytes() / THREADS, grown.minorFaults() / THREADS, grown.threads());
        } finally {
            assertEquals(THREADS, fleet.release());
        }
    }

    @Test
    void rssGrowsWithTouchedDepth() {
        ProcessMemory shallow = perThread(4096, 0);
        ProcessMemory deep = perThread(256 * 1024, 0);
        long extra = deep.rollupRssBytes() - shallow.rollupRssBytes();
        assertTrue(extra >= 200 * 1024, "touching 252 KiB more per thread added only " + extra + " B of RSS per thread");
        assertTrue(deep.minorFaults() - shallow.minorFaults() >= 60, "and at least one fault per extra page");
    }

    @Test
    void rssDoesNotGrowWithReservedSize() {
        ProcessMemory small = perThread(16384, 256 * 1024);
        ProcessMemory large = perThread(16384, 64L << 20);
        assertTrue(large.vmSizeBytes() - small.vmSizeBytes() > 32L << 20, "a 64 MiB stack reserves more address space");
        long rssDifference = Math.abs(large.rollupRssBytes() - small.rollupRssBytes());
        assertTrue(rssDifference < 16 * 1024,
                "RSS per thread should not depend on the reserved stack size, differs by " + rssDifference + " B");
    }

    @Test
    void aFleetIsAllThereWhileParkedAndGoneAfterRelease() {
        int before = ProcessMemory.now().threads();
        Stacks.Fleet fleet = Stacks.startFleet(THREADS, 4096, 0);
        assertTrue(ProcessMemory.now().threads() >= before + THREADS);
        assertEquals(THREADS, fleet.release());
        assertEquals(0, fleet.release(), "release is idempotent");
        assertTrue(ProcessMemory.now().threads() < before + THREADS / 4, "joined threads must be gone");
    }
}
