package io.contextlab.uring;

import com.sun.nio.file.ExtendedOpenOption;
import io.contextlab.lab.FiguresProfiler;
import io.contextlab.natives.Syscalls;
import io.contextlab.platform.libc.Epoll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/*
 * Claim (first article): epoll cannot wait on regular files (epoll_ctl answers EPERM: a file has
 * no wait queue, it is always "ready"), so a runtime built on readiness adds threads for file
 * I/O. The JDK's virtual threads are such a runtime: a socket read parks the virtual thread and
 * waits in the poller, but a file read is a plain blocking read(2) on the carrier thread. What
 * does JDK 25 do around it?
 *
 * Measured: VIRTUAL_THREADS (256) virtual threads started together, each making READS
 * positional 4 KiB reads (FileChannel.read(buffer, position)) of a 1 MiB file: page-cached
 * (`fileRead`), and with O_DIRECT (`fileReadDirect`, ExtendedOpenOption.DIRECT: every read goes
 * to the device), against the same threads copying 4 KiB from memory (`memoryCopy`, the
 * baseline: no system call). Time is per read, start and join included.
 * Secondary metrics, the point of this class:
 *   carrierThreads      the scheduler's pool size after the invocations (a high-water mark: a
 *                       spare carrier lives on for the pool's keep-alive, 30 s)
 *   carrierParallelism  the scheduler's parallelism (its carriers when nothing blocks)
 *   epollAddRegularFileErrno  what epoll_ctl(ADD) of that very file answers (1 = EPERM)
 * Each benchmark runs in its own fork, so carrierThreads of memoryCopy is the baseline count.
 * The pool is the JDK's private VirtualThread.DEFAULT_SCHEDULER (read with --add-opens
 * java.base/java.lang, which JvmFlags gives every fork); where that fails, threads named
 * ForkJoinPool-N-worker-M are counted instead.
 *
 * What to expect, from JDK 25's sources: FileChannelImpl wraps the read in
 * Blocker.begin(direct), so only O_DIRECT reads (and O_SYNC/O_DSYNC writes) compensate, i.e.
 * ask the ForkJoinPool for a spare carrier; a buffered read is assumed to hit the page cache
 * and simply holds its carrier (FileInputStream no longer compensates at all). So fileRead should
 * stay at `parallelism` carriers and fileReadDirect grow past it.
 *
 * Pitfalls avoided: the reads' byte counts are summed and returned (no dead code); the file is
 * read once before measuring so every read is a page-cache hit (the question is what the JDK does
 * around a blocking call, not the disk). Do not compare the times with SmallReads: these include
 * starting and joining virtual threads.
 *
 * Run: scripts/lab bench 'uring.VirtualThreadFileReads'
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class VirtualThreadFileReads {
    static final int READS = 16;
    static final int VIRTUAL_THREADS = 256;
    static final int FILE_BYTES = 1 << 20;
    static final int PAGE = 4096;
    private static final ForkJoinPool SCHEDULER = defaultScheduler();

    private Path file;
    private FileChannel channel;
    private FileChannel directChannel;
    private final byte[] memory = new byte[FILE_BYTES];
    private int epollErrno;
    private int carrierHighWater;

    @Setup(Level.Trial)
    public void open() throws IOException {
        file = SmallReads.pageCachedFile(FILE_BYTES);
        channel = FileChannel.open(file);
        directChannel = FileChannel.open(file, StandardOpenOption.READ, ExtendedOpenOption.DIRECT);
        int epfd = Epoll.create();
        int fd = Syscalls.open(file.toString(), Syscalls.O_RDONLY);
        try {
            epollErrno = Uring.epollAddErrno(epfd, fd);
        } finally {
            Syscalls.close(fd);
            Epoll.close(epfd);
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        channel.close();
        directChannel.close();
        Files.deleteIfExists(file);
    }

    @TearDown(Level.Invocation)
    public void sampleCarriers() {
        carrierHighWater = Math.max(carrierHighWater, carrierThreads());
    }

    @TearDown(Level.Iteration)
    public void recordFigures() {
        FiguresProfiler.record("carrierThreads", carrierHighWater, "threads");
        FiguresProfiler.record("carrierParallelism",
                SCHEDULER != null ? SCHEDULER.getParallelism() : Runtime.getRuntime().availableProcessors(), "threads");
        FiguresProfiler.record("epollAddRegularFileErrno", epollErrno, "errno");
    }

    @Benchmark
    @OperationsPerInvocation(VIRTUAL_THREADS * READS)
    public long memoryCopy() throws InterruptedException {
        return runAll(index -> {
            ByteBuffer buffer = ByteBuffer.allocate(PAGE);
            long bytes = 0;
            for (int r = 0; r < READS; r++) {
                buffer.clear();
                buffer.put(memory, offset(index, r), PAGE);
                bytes += buffer.position();
            }
            return bytes;
        });
    }

    @Benchmark
    @OperationsPerInvocation(VIRTUAL_THREADS * READS)
    public long fileReadDirect() throws InterruptedException {
        return runAll(index -> {
            ByteBuffer buffer = ByteBuffer.allocateDirect(2 * PAGE).alignedSlice(PAGE).limit(PAGE);
            long bytes = 0;
            for (int r = 0; r < READS; r++) {
                buffer.clear();
                try {
                    bytes += directChannel.read(buffer, offset(index, r));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return bytes;
        });
    }

    @Benchmark
    @OperationsPerInvocation(VIRTUAL_THREADS * READS)
    public long fileRead() throws InterruptedException {
        return runAll(index -> {
            ByteBuffer buffer = ByteBuffer.allocate(PAGE);
            long bytes = 0;
            for (int r = 0; r < READS; r++) {
                buffer.clear();
                try {
                    bytes += channel.read(buffer, offset(index, r));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return bytes;
        });
    }

    private interface Work {
        long run(int index);
    }

    private long runAll(Work work) throws InterruptedException {
        long[] bytes = new long[VIRTUAL_THREADS];
        Thread[] threads = new Thread[VIRTUAL_THREADS];
        for (int i = 0; i < VIRTUAL_THREADS; i++) {
            int index = i;
            threads[i] = Thread.ofVirtual().start(() -> bytes[index] = work.run(index));
        }
        long total = 0;
        for (int i = 0; i < VIRTUAL_THREADS; i++) {
            threads[i].join();
            total += bytes[i];
        }
        return total;
    }

    private static int offset(int index, int read) {
        return ((index * READS + read) * PAGE) % FILE_BYTES;
    }

    /** Carrier threads now: the scheduler's pool size, or the platform threads that look like carriers. */
    static int carrierThreads() {
        if (SCHEDULER != null) return SCHEDULER.getPoolSize();
        return (int) Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(name -> name.startsWith("ForkJoinPool-") && name.contains("-worker-"))
                .count();
    }

    private static ForkJoinPool defaultScheduler() {
        try {
            Field field = Class.forName("java.lang.VirtualThread").getDeclaredField("DEFAULT_SCHEDULER");
            field.setAccessible(true);
            return (ForkJoinPool) field.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
