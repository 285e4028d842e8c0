package io.contextlab.tracing.probes;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The Java mirror of tracing/src/main/bpf/contextlab_trace.h: the same constants, and one record
 * per struct that user space reads, decoded from the little-endian bytes a map lookup returns.
 */
public final class ProbeStructs {
    public static final int LOG2_SLOTS = 32;
    public static final int RUNQ_SLOTS = 512;
    public static final int MAX_CPUS = 256;
    public static final int MAX_SYSCALLS = 512;

    private ProbeStructs() {}

    static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    static long[] longs(ByteBuffer buf, int count) {
        long[] out = new long[count];
        for (int i = 0; i < count; i++) out[i] = buf.getLong();
        return out;
    }

    /** struct probe_config: written at offset 0 of each object's .rodata. */
    public record ProbeConfig(int targetTgid) {
        public static final int SIZE = 8;

        public byte[] toBytes() {
            return ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN).putInt(targetTgid).putInt(0).array();
        }
    }

    /** struct context_cpu: one CPU's slot of context.bpf.c's per-CPU array. */
    public record ContextCpu(long voluntary, long involuntary, long migrations, long samples, long waitingSum,
                             long queuedSum, long targetSamples, long targetWaitingSum, long targetNonempty, long queuedMax,
                             long otherSamples) {
        public static final int SIZE = 11 * 8;

        public static ContextCpu decode(ByteBuffer b) {
            long[] v = longs(b, 11);
            return new ContextCpu(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]);
        }
    }

    /** struct log2_hist: slot i counts values in [2^i, 2^(i+1)); slot 0 also counts 0. */
    public record Log2Histogram(long[] slots) {
        public static Log2Histogram decode(byte[] bytes) {
            return new Log2Histogram(bytes == null ? new long[LOG2_SLOTS] : longs(le(bytes), LOG2_SLOTS));
        }

        public long total() {
            return Arrays.stream(slots).sum();
        }

        /**
         * The p-quantile (0..1), interpolated linearly inside its power-of-two slot: an estimate
         * good to the slot's width, which is what a log2 histogram can say. NaN when empty.
         */
        public double quantile(double p) {
            long total = total();
            if (total == 0) return Double.NaN;
            double rank = p * total;
            long seen = 0;
            for (int i = 0; i < slots.length; i++) {
                if (slots[i] == 0) continue;
                if (seen + slots[i] >= rank) {
                    double low = i == 0 ? 0 : Math.pow(2, i);
                    double high = Math.pow(2, i + 1);
                    return low + (high - low) * Math.max(0, rank - seen) / slots[i];
                }
                seen += slots[i];
            }
            return Math.pow(2, slots.length);
        }

        /** bcc-style: "value range : count |****|", trimmed to the slots in use. */
        public void print(PrintStream out, String unit) {
            int last = slots.length - 1;
            while (last > 0 && slots[last] == 0) last--;
            long max = Arrays.stream(slots).max().orElse(0);
            out.printf("%24s : count    distribution%n", unit);
            for (int i = 0; i <= last; i++) {
                long low = i == 0 ? 0 : 1L << i;
                long high = (1L << (i + 1)) - 1;
                out.printf("%10d -> %-10d : %-8d |%-40s|%n", low, high, slots[i], stars(slots[i], max, 40));
            }
        }
    }

    /** struct runq_hist: one CPU's samples, linear in length. */
    public record RunqHistogram(long[] rqNrRunning, long[] cfsQueued) {
        public static final int SIZE = 2 * RUNQ_SLOTS * 8;

        public static RunqHistogram decode(byte[] bytes) {
            if (bytes == null) return new RunqHistogram(new long[RUNQ_SLOTS], new long[RUNQ_SLOTS]);
            ByteBuffer buf = le(bytes);
            return new RunqHistogram(longs(buf, RUNQ_SLOTS), longs(buf, RUNQ_SLOTS));
        }

        public long samples() {
            return Arrays.stream(rqNrRunning).sum();
        }

        /**
         * Waiting tasks, as runqlen counts them: the CPU's runnable tasks minus the one running
         * (rq nr_running is 0 on an idle CPU, so idle and "one running" both give 0).
         */
        public long[] waiting() {
            long[] waiting = new long[RUNQ_SLOTS];
            for (int n = 0; n < RUNQ_SLOTS; n++) waiting[Math.max(0, n - 1)] += rqNrRunning[n];
            return waiting;
        }

        public RunqHistogram plus(RunqHistogram other) {
            long[] rq = rqNrRunning.clone(), cfs = cfsQueued.clone();
            for (int i = 0; i < RUNQ_SLOTS; i++) {
                rq[i] += other.rqNrRunning[i];
                cfs[i] += other.cfsQueued[i];
            }
            return new RunqHistogram(rq, cfs);
        }
    }

    /** Mean and quantile of a linear histogram (index = value). */
    public static double mean(long[] linear) {
        long n = 0, sum = 0;
        for (int v = 0; v < linear.length; v++) {
            n += linear[v];
            sum += v * linear[v];
        }
        return n == 0 ? Double.NaN : (double) sum / n;
    }

    public static double quantile(long[] linear, double p) {
        long total = Arrays.stream(linear).sum();
        if (total == 0) return Double.NaN;
        long seen = 0;
        for (int v = 0; v < linear.length; v++) {
            seen += linear[v];
            if (seen >= p * total) return v;
        }
        return linear.length - 1;
    }

    /** bcc runqlen-style linear histogram. */
    public static void printLinear(PrintStream out, String label, long[] linear) {
        int last = linear.length - 1;
        while (last > 0 && linear[last] == 0) last--;
        long max = Arrays.stream(linear).max().orElse(0);
        out.printf("%10s : count    distribution%n", label);
        for (int v = 0; v <= last; v++) {
            out.printf("%10d : %-8d |%-40s|%n", v, linear[v], stars(linear[v], max, 40));
        }
    }

    /** struct cswitch_counts, summed over CPUs. */
    public record CswitchCounts(long voluntary, long involuntary) {
        public static CswitchCounts decode(ByteBuffer buf) {
            return new CswitchCounts(buf.getLong(0), buf.getLong(8));
        }

        public CswitchCounts plus(CswitchCounts other) {
            return new CswitchCounts(voluntary + other.voluntary, involuntary + other.involuntary);
        }

        public long total() {
            return voluntary + involuntary;
        }
    }

    /** struct syscall_stat, with the syscall it belongs to. */
    public record SyscallStat(int nr, String name, long count, long totalNs) {
        public static SyscallStat decode(int nr, byte[] bytes) {
            ByteBuffer buf = le(bytes);
            return new SyscallStat(nr, SyscallNames.name(nr), buf.getLong(0), buf.getLong(8));
        }
    }

    static String stars(long value, long max, int width) {
        if (max == 0) return "";
        int n = (int) Math.round((double) value * width / max);
        return "*".repeat(Math.min(width, n));
    }
}
