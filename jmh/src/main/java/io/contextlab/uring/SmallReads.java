package io.contextlab.uring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import io.contextlab.lab.FiguresProfiler;
import io.contextlab.natives.SyscallCounter;
import org.openjdk.jmh.infra.BenchmarkParams;
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
 * Claim (first article): with readiness notification the program still makes the read itself
 * (one system call per read), while asynchronous I/O hands the kernel the read and is told when
 * it is done. For data that is already there, which costs more per read: read(2), one io_uring
 * submission per read, or one submission for a batch of reads?
 *
 * Measured, per read: 1 byte from /dev/zero, 1 byte from a pipe that holds data, 4 KiB from a
 * page-cached regular file (pread at successive page offsets over 1 MiB); via read(2)/pread(2)
 * (`read`), via io_uring one read per io_uring_enter (`uringOneAtATime`) and BATCH reads per
 * io_uring_enter (`uringBatched`). All three complete inside the system call here (nothing has
 * to wait), so the difference is the submission/completion machinery against the plain call.
 * If a source cannot be read without blocking, io_uring hands the read to an io-wq worker
 * thread, which would show as a jump of microseconds: that is what the figure would mean.
 *
 * The pipe is refilled with one large write whenever it runs low (a 1 MiB pipe where
 * pipe-max-size allows it, 64 KiB otherwise); every method pays that same amortised write.
 *
 * Secondary metric `syscallsPerOp`: the system calls per read of the benchmark's own loop, counted
 * once per fork outside the timed region with the kernel's syscall tracepoints for this thread
 * (SyscallCounter; root or CAP_PERFMON, else not recorded), so a claim can see reads sharing a
 * kernel entry rather than assume it (BATCH reads per io_uring_enter should give 1/BATCH).
 *
 * Pitfalls avoided: the loops run in C, OPS reads per crossing (@OperationsPerInvocation); every
 * read's length is checked and the bytes are summed and returned (no dead code). The file is
 * written, fsync'ed and read once before measuring, so every read is a page-cache hit.
 *
 * Run: scripts/lab bench 'uring.SmallReads' (add -p source=file for a short look)
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class SmallReads {
    static final int OPS = 1024;
    static final int BATCH = 32;
    static final int FILE_BYTES = 1 << 20;
    static final int PAGE = 4096;
    /** Reads whose system calls syscallsPerOp counts (a multiple of BATCH). */
    static final int COUNTED_READS = 8 * OPS;

    @Param({"devZero", "pipe", "file"})
    public String source;

    private Uring.Ring ring;
    private Uring.Reader reader;
    private Path file;

    private double syscallsPerOp = Double.NaN;

    @Setup(Level.Trial)
    public void open(BenchmarkParams params) throws IOException {
        ring = Uring.open(BATCH);
        switch (source) {
            case "devZero" -> reader = Uring.reader(Uring.Source.DEV_ZERO, null, 0, 1, BATCH);
            case "pipe" -> reader = Uring.reader(Uring.Source.PIPE, null, 0, 1, BATCH);
            case "file" -> {
                file = pageCachedFile(FILE_BYTES);
                reader = Uring.reader(Uring.Source.FILE, file.toString(), FILE_BYTES, PAGE, BATCH);
            }
            default -> throw new IllegalArgumentException("source is devZero, pipe or file, not " + source);
        }
        syscallsPerOp = syscallsPerRead(params.getBenchmark());
    }

    /** The syscalls per read of the named method's loop, counted over OPS reads; NaN where counting is impossible. */
    private double syscallsPerRead(String benchmark) {
        String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
        LongConsumer loop = switch (method) {
            case "read" -> n -> Uring.reads(reader, n);
            case "uringOneAtATime" -> n -> Uring.uringReads(ring, reader, n, 1);
            case "uringBatched" -> n -> Uring.uringReads(ring, reader, n, BATCH);
            default -> null;
        };
        if (loop == null) return Double.NaN;
        try {
            // The first count also pays the upcall's own first-use work (its baseline run sees it,
            // the loop's run does not): count once to warm up, keep the second.
            SyscallCounter.countJava(loop, OPS);
            return (double) SyscallCounter.countJava(loop, COUNTED_READS).all() / COUNTED_READS;
        } catch (UnsupportedOperationException e) {
            System.out.println("SmallReads: syscallsPerOp not counted: " + e.getMessage());
            return Double.NaN;
        }
    }

    @TearDown(Level.Iteration)
    public void recordFigures() {
        if (!Double.isNaN(syscallsPerOp)) FiguresProfiler.record("syscallsPerOp", syscallsPerOp, "syscalls/op");
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        reader.close();
        ring.close();
        if (file != null) Files.deleteIfExists(file);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long read() {
        return Uring.reads(reader, OPS);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long uringOneAtATime() {
        return Uring.uringReads(ring, reader, OPS, 1);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long uringBatched() {
        return Uring.uringReads(ring, reader, OPS, BATCH);
    }

    /** A file of `bytes` on the temporary directory's file system, written, synced and read once. */
    static Path pageCachedFile(int bytes) {
        try {
            Path path = Files.createTempFile("contextlab-uring-", ".bin");
            byte[] data = new byte[bytes];
            for (int i = 0; i < bytes; i++) data[i] = (byte) (i / PAGE + 1);
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(data));
                ch.force(true);
            }
            Files.readAllBytes(path);
            return path;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the page-cached file in " + System.getProperty("java.io.tmpdir"), e);
        }
    }
}
