package io.contextlab.stacks;

import io.contextlab.platform.proc.ProcFs;
import java.util.Map;

/**
 * What this process holds, read the way the kernel reports it: VmRSS and VmSize from
 * /proc/self/status, Rss from /proc/self/smaps_rollup (the sum over every mapping, computed by
 * walking the page tables at read time, where VmRSS is a per-mm counter that may lag by a batch
 * of up to 64 pages per thread on kernels with split RSS counters), the process's minor faults
 * from getrusage(RUSAGE_SELF) and its thread count from /proc/self/status Threads.
 */
public record ProcessMemory(long vmRssBytes, long rollupRssBytes, long vmSizeBytes, long minorFaults, int threads) {
    public static ProcessMemory now() {
        Map<String, Long> status = ProcFs.status();
        long rollupRss = ProcFs.smapsRollup().getOrDefault("Rss", -1L);
        return new ProcessMemory(bytes(status.getOrDefault("VmRSS", -1L)), bytes(rollupRss),
                bytes(status.getOrDefault("VmSize", -1L)), Stacks.processMinorFaults(),
                status.getOrDefault("Threads", -1L).intValue());
    }

    /** KiB -> bytes, -1 (absent) kept. */
    private static long bytes(long kib) {
        return kib < 0 ? -1 : kib * 1024;
    }

    /** This snapshot minus an earlier one, field by field. */
    public ProcessMemory minus(ProcessMemory earlier) {
        return new ProcessMemory(vmRssBytes - earlier.vmRssBytes, rollupRssBytes - earlier.rollupRssBytes,
                vmSizeBytes - earlier.vmSizeBytes, minorFaults - earlier.minorFaults, threads - earlier.threads);
    }
}
