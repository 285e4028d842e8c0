package io.contextlab.stacks;

import io.contextlab.lab.FiguresProfiler;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/*
 * Claim (first article): stack memory arrives by demand paging, a minor fault per page on first
 * touch. What does one such fault cost?
 *
 * Method: each invocation writes one byte to every 4 KiB page of a 64 MiB anonymous mapping that
 * was made in the invocation's set-up (not timed) and is unmapped in its tear-down; the time is
 * divided by the 16,384 pages (@OperationsPerInvocation), so the primary metric is ns per page.
 *   mapping=FRESH     nothing present: each store is a minor fault (the kernel zeroes a 4 KiB
 *                     page and maps it); THP refused with MADV_NOHUGEPAGE.
 *   mapping=POPULATE  MAP_POPULATE faulted every page in at mmap time: the same stores with no
 *                     fault, the baseline to subtract.
 *   mapping=HUGEPAGE  2 MiB-aligned with MADV_HUGEPAGE: with THP at "madvise" (as on the
 *                     reference machine; `lab doctor` records it) one fault maps and zeroes 2 MiB.
 * faultsPerPage (getrusage(RUSAGE_THREAD) around the stores) shows which happened: ~1, 0, ~1/512.
 * mapPopulateUnmap times mmap(MAP_POPULATE) + munmap per page: the kernel's batched fault-in,
 * beside mapUnmap, the same without MAP_POPULATE (the mmap/munmap system calls alone).
 *
 * Pitfalls avoided: one crossing per 64 MiB, not per page; the store loop is C with volatile
 * stores, so nothing is elided; set-up per invocation is fine here because an invocation is
 * milliseconds long (JMH's Level.Invocation warning is about nanosecond ones).
 *
 * Run: scripts/lab bench 'stacks.MinorFaults'
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class MinorFaults {
    static final long BYTES = 64L << 20;
    static final int PAGES = (int) (BYTES / 4096);

    @State(Scope.Thread)
    public static class Region {
        @Param({"FRESH", "POPULATE", "HUGEPAGE"})
        public Faults.Mapping mapping;

        MemorySegment region;
        long faults;
        long pages;

        @Setup(Level.Iteration)
        public void resetCounts() {
            faults = 0;
            pages = 0;
        }

        @Setup(Level.Invocation)
        public void map() {
            region = Faults.map(BYTES, mapping);
        }

        @TearDown(Level.Invocation)
        public void unmap() {
            Faults.unmap(region, BYTES);
        }

        @TearDown(Level.Iteration)
        public void recordFaultsPerPage() {
            FiguresProfiler.record("faultsPerPage", pages == 0 ? Double.NaN : (double) faults / pages, "faults/page");
        }
    }

    @Benchmark
    @OperationsPerInvocation(PAGES)
    public long touchEveryPage(Region r) {
        long before = Stacks.threadMinorFaults();
        long written = Faults.touchPages(r.region, BYTES);
        r.faults += Stacks.threadMinorFaults() - before;
        r.pages += written;
        return written;
    }

    /** mmap(MAP_POPULATE) + munmap of 64 MiB, per page. */
    @Benchmark
    @OperationsPerInvocation(PAGES)
    public long mapPopulateUnmap() {
        return Faults.mapUnmap(BYTES, 1, true);
    }

    /** mmap + munmap of 64 MiB without touching it, per page: the system calls alone. */
    @Benchmark
    @OperationsPerInvocation(PAGES)
    public long mapUnmap() {
        return Faults.mapUnmap(BYTES, 1, false);
    }
}
