package io.contextlab.stacks;

import io.contextlab.lab.FiguresProfiler;

/**
 * Per-thread memory figures of one fleet of N threads, recorded as secondary metrics through
 * {@link FiguresProfiler}. Each is (snapshot - snapshot before the fleet) / N, from
 * {@link ProcessMemory}:
 * <ul>
 *   <li>rssBytesPerThread: smaps_rollup Rss while all N are parked (an exact page-table walk);
 *   <li>vmRssBytesPerThread: VmRSS while parked (the kernel's RSS counter);
 *   <li>minorFaultsPerThread: getrusage(RUSAGE_SELF) minor faults from before the fleet to parked;
 *   <li>vmSizeBytesPerThread: VmSize (address space reserved) while parked;
 *   <li>rssBytesRetainedPerThread, vmSizeBytesRetainedPerThread: the same after every thread exited
 *       and was joined: what did not come back.
 * </ul>
 * and, for the fork as a whole (not per thread), {@link #recordHeldSinceStart}.
 */
final class ThreadFootprint {
    private ThreadFootprint() {}

    static void record(int threads, ProcessMemory before, ProcessMemory parked, ProcessMemory exited) {
        ProcessMemory grown = parked.minus(before);
        ProcessMemory kept = exited.minus(before);
        FiguresProfiler.record("rssBytesPerThread", (double) grown.rollupRssBytes() / threads, "B/thread");
        FiguresProfiler.record("vmRssBytesPerThread", (double) grown.vmRssBytes() / threads, "B/thread");
        FiguresProfiler.record("minorFaultsPerThread", (double) grown.minorFaults() / threads, "faults/thread");
        FiguresProfiler.record("vmSizeBytesPerThread", (double) grown.vmSizeBytes() / threads, "B/thread");
        FiguresProfiler.record("rssBytesRetainedPerThread", (double) kept.rollupRssBytes() / threads, "B/thread");
        FiguresProfiler.record("vmSizeBytesRetainedPerThread", (double) kept.vmSizeBytes() / threads, "B/thread");
    }

    /**
     * vmSizeBytesHeldAfterExit, rssBytesHeldAfterExit: what the process holds after its fleets
     * exited, compared with before the first fleet of this fork. glibc keeps exited stacks mapped
     * for reuse up to its stack cache size (40 MiB by default, tunable glibc.pthread.stack_cache_size),
     * so VmSize stays about 40 MiB up for good, while the pages the threads touched were given back
     * when they exited (glibc madvises a dying thread's stack away below its last frame).
     */
    static void recordHeldSinceStart(ProcessMemory atStart, ProcessMemory exited) {
        ProcessMemory held = exited.minus(atStart);
        FiguresProfiler.record("vmSizeBytesHeldAfterExit", held.vmSizeBytes(), "B");
        FiguresProfiler.record("rssBytesHeldAfterExit", held.rollupRssBytes(), "B");
    }
}
