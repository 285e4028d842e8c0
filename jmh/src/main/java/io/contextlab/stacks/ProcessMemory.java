package io.contextlab.stacks;

import io.contextlab.natives.Stacks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What this process holds, read the way the kernel reports it: VmRSS and VmSize from
 * /proc/self/status, Rss from /proc/self/smaps_rollup (the sum over every mapping, computed by
 * walking the page tables at read time, where VmRSS is a per-mm counter that may lag by a batch
 * of up to 64 pages per thread on kernels with split RSS counters), the process's minor faults
 * from getrusage(RUSAGE_SELF) and its thread count from /proc/self/status Threads.
 */
public record ProcessMemory(long vmRssBytes, long rollupRssBytes, long vmSizeBytes, long minorFaults, int threads) {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path ROLLUP = Path.of("/proc/self/smaps_rollup");

    public static ProcessMemory now() {
        long vmRss = -1, vmSize = -1, rollupRss = -1;
        int threads = -1;
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) vmRss = kibField(line);
                else if (line.startsWith("VmSize:")) vmSize = kibField(line);
                else if (line.startsWith("Threads:")) threads = Integer.parseInt(line.substring(8).trim());
            }
            for (String line : Files.readAllLines(ROLLUP)) {
                if (line.startsWith("Rss:")) {
                    rollupRss = kibField(line);
                    break;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self (is this Linux with /proc mounted?)", e);
        }
        return new ProcessMemory(vmRss, rollupRss, vmSize, Stacks.processMinorFaults(), threads);
    }

    /** "VmRSS:     123456 kB" -> bytes. */
    private static long kibField(String line) {
        String[] words = line.trim().split("\\s+");
        return Long.parseLong(words[1]) * 1024;
    }

    /** This snapshot minus an earlier one, field by field. */
    public ProcessMemory minus(ProcessMemory earlier) {
        return new ProcessMemory(vmRssBytes - earlier.vmRssBytes, rollupRssBytes - earlier.rollupRssBytes,
                vmSizeBytes - earlier.vmSizeBytes, minorFaults - earlier.minorFaults, threads - earlier.threads);
    }
}
