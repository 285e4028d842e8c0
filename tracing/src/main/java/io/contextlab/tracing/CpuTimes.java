package io.contextlab.tracing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Each CPU's time from /proc/stat, in clock ticks: the total and the share the hypervisor stole
 * (the 8th field, "steal": time this vCPU was runnable but the host ran something else).
 */
record CpuTimes(Map<Integer, long[]> totalAndSteal) {
    private static final int STEAL_FIELD = 8;

    static CpuTimes read() {
        Map<Integer, long[]> out = new HashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (!line.startsWith("cpu") || line.startsWith("cpu ")) continue;
                String[] f = line.trim().split("\\s+");
                long total = 0;
                for (int i = 1; i < f.length && i <= STEAL_FIELD; i++) total += Long.parseLong(f[i]);
                long steal = f.length > STEAL_FIELD ? Long.parseLong(f[STEAL_FIELD]) : 0;
                out.put(Integer.parseInt(f[0].substring(3)), new long[] {total, steal});
            }
        } catch (IOException | RuntimeException e) {
            // No /proc/stat, or a form not known: no steal figure rather than no trace.
        }
        return new CpuTimes(out);
    }

    /** Stolen share of the given CPUs' time since {@code before}; 0 when nothing is known. */
    double stealShare(CpuTimes before, Collection<Integer> cpus) {
        long total = 0, steal = 0;
        for (int cpu : cpus) {
            long[] a = before.totalAndSteal.get(cpu), b = totalAndSteal.get(cpu);
            if (a == null || b == null) continue;
            total += b[0] - a[0];
            steal += b[1] - a[1];
        }
        return total > 0 ? (double) steal / total : 0;
    }
}
