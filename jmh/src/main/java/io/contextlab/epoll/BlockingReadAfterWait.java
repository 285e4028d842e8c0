package io.contextlab.epoll;

import io.contextlab.lab.FiguresProfiler;
import io.contextlab.platform.libc.Epoll;
import io.contextlab.platform.libc.Libc;
import io.contextlab.platform.libc.Sockets;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/*
 * Claim (first article, "Process, thread, coroutine, synchronous, asynchronous, callback, and
 * Python callback in python", IV. multiplexing): "when epoll is used (more accurately, only in
 * the LT mode), it doesn't matter whether fd is non-blocking".
 *
 * Measured: one reader, one BLOCKING fd (the reading end of an AF_UNIX socketpair) registered
 * with EPOLLIN, and each mode's own read discipline. One op = write one byte to the other end,
 * epoll_wait (timeout 0) that must report the fd, then the reads:
 *   levelTriggered  one read per report (up to READ_BYTES), then back to the wait: LT reports
 *                   the fd again while data is left, so a loop never has to read until empty.
 *                   The read finds the byte the report was about and never blocks.
 *   edgeTriggered   EPOLLET: no report comes for data left behind, so the loop must read until
 *                   the socket is empty; on a blocking fd the read that finds it empty does not
 *                   say EAGAIN, it blocks — here until SO_RCVTIMEO (TIMEOUT_MICROS), which then
 *                   returns EAGAIN. The kernel keeps that timeout in jiffies, rounded up, and
 *                   the wait ends on a timer tick: an op lasts up to a few ticks (1 to 10 ms
 *                   each, by CONFIG_HZ), whatever the microseconds asked for.
 * Secondary metric `blockedReadsPerWait` (per iteration, through FiguresProfiler): reads that
 * returned no data because they waited to their timeout (EAGAIN; EINTR counted too: a signal
 * ended a read that was blocked), over the waits that reported the fd. LT: 0; ET: 1 per wait.
 * The time per op is reported too but is not the claim: edgeTriggered's is the timeout.
 *
 * Pitfalls avoided: a read that would block for ever would hang the benchmark, so the blocking
 * read is bounded by SO_RCVTIMEO and the count of reads that reached it is the measure, not the
 * time. One reader per fd: with several readers a blocking read after an LT report can block too
 * (another reader took the data), which this benchmark does not show. A drain loop that stops at
 * a short read would avoid the block here, but that is a guess about a stream socket, not what
 * ET promises (only EAGAIN says the fd is empty). Scratch memory is allocated once per trial, so
 * an op allocates nothing; the loop fails if a wait does not report the fd or a read fails.
 *
 * Run: scripts/lab bench 'epoll.BlockingReadAfterWait'
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class BlockingReadAfterWait {
    /** SO_RCVTIMEO of the blocking fd: bounds every read that finds it empty. */
    static final long TIMEOUT_MICROS = 2_000;
    /** What one read asks for (it gets the one byte written). */
    static final int READ_BYTES = 64;

    private Arena arena;
    private Sockets.Scratch scratch;
    private final int[] pair = {-1, -1};
    private int epfd = -1;
    private boolean edge;
    private MemorySegment event;
    private MemorySegment timespec;
    private MemorySegment buffer;

    private long waits;
    private long blockedReads;
    private long bytesRead;

    @Setup(Level.Trial)
    public void open(BenchmarkParams params) {
        open(params.getBenchmark().endsWith(".edgeTriggered"));
    }

    /** The socketpair (the reading end blocking, SO_RCVTIMEO set) and its epoll, LT or ET. */
    void open(boolean edgeTriggered) {
        edge = edgeTriggered;
        arena = Arena.ofShared();   // JMH may run trial set-up and the iterations on different threads
        scratch = new Sockets.Scratch(arena);
        event = arena.allocate(Epoll.EVENT_BYTES);
        timespec = arena.allocate(16);
        buffer = arena.allocate(READ_BYTES);
        check(Sockets.blockingUnixPair(scratch, pair), "socketpair");
        check(Sockets.receiveTimeout(scratch, pair[0], TIMEOUT_MICROS), "setsockopt SO_RCVTIMEO");
        epfd = Epoll.create();
        if (Epoll.ctl(epfd, Epoll.CTL_ADD, pair[0], Epoll.EPOLLIN | (edge ? Epoll.EPOLLET : 0), 1, event) != 0) {
            throw new IllegalStateException("epoll_ctl ADD of a socketpair end failed");
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        if (epfd >= 0) Epoll.close(epfd);
        for (int fd : pair) if (fd >= 0) Sockets.close(scratch, fd);
        epfd = pair[0] = pair[1] = -1;
        arena.close();
    }

    @TearDown(Level.Iteration)
    public void recordBlockedReads() {
        if (waits > 0) FiguresProfiler.record("blockedReadsPerWait", (double) blockedReads / waits, "reads/wait");
        waits = blockedReads = bytesRead = 0;
    }

    /** Counts of the ops since the last iteration's end: waits that reported the fd, reads that blocked, bytes read. */
    record Counts(long waits, long blockedReads, long bytesRead) {}

    Counts counts() {
        return new Counts(waits, blockedReads, bytesRead);
    }

    @Benchmark
    public long levelTriggered() {
        writeOneByteAndWait();
        read();
        return bytesRead;
    }

    @Benchmark
    public long edgeTriggered() {
        writeOneByteAndWait();
        while (read()) {
            // ET: read until the fd is empty; on a blocking fd the last read blocks to its timeout
        }
        return bytesRead;
    }

    private void writeOneByteAndWait() {
        buffer.set(ValueLayout.JAVA_BYTE, 0, (byte) 'x');
        long w = Sockets.write(scratch, pair[1], buffer, 1);
        if (w != 1) throw new IllegalStateException("write of one byte returned " + describe(w));
        int n = Epoll.pwait2(epfd, event, 1, 0, timespec);
        if (n != 1) throw new IllegalStateException("epoll_wait after a write reported " + n + " fds, expected the one written to");
        waits++;
    }

    /** One blocking read: true if it returned data, false if it blocked until its timeout. */
    private boolean read() {
        long r = Sockets.read(scratch, pair[0], buffer, READ_BYTES);
        if (r > 0) {
            bytesRead += r;
            return true;
        }
        if (r == -Sockets.EAGAIN || r == -Sockets.EINTR) {
            blockedReads++;
            return false;
        }
        throw new IllegalStateException("read of the blocking socket returned " + describe(r));
    }

    private static String describe(long rc) {
        return rc < 0 ? Libc.strerror((int) -rc) : String.valueOf(rc);
    }

    private static void check(int rc, String what) {
        if (rc < 0) throw new IllegalStateException(what + " failed: " + Sockets.describe(-rc));
    }
}
