package io.contextlab.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.contextlab.natives.Syscalls;
import io.contextlab.platform.libc.Epoll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the uring suite relies on, checked on the running kernel: every completion, once, right. */
class UringTest {
    private static final int EPERM = 1;

    @ParameterizedTest
    @ValueSource(ints = {1, 8, 64, 512})
    void everyNopCompletesExactlyOnceWhateverTheBatch(int batch) {
        try (Uring.Ring ring = Uring.open(512)) {
            int ops = 4 * 512;
            int[] tally = Uring.nopTally(ring, ops, batch);
            assertEquals(ops, Arrays.stream(tally).filter(c -> c == 1).count(), "completions per user_data, all must be 1");
            assertEquals(ops, Uring.nops(ring, ops, batch));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 64, 512})
    void sqpollCompletesEveryNopExactlyOnce(int batch) {
        try (Uring.Ring ring = Uring.openSqpoll(512, -1)) {
            int ops = 4 * 512;
            int[] tally = Uring.nopTally(ring, ops, batch);
            assertEquals(ops, Arrays.stream(tally).filter(c -> c == 1).count());
        }
    }

    @Test
    void sqpollSubmitsWithoutSystemCalls() {
        try (Uring.Ring ring = Uring.openSqpoll(512, -1)) {
            Uring.nops(ring, 512, 64);  // wakes the SQ thread; it then stays awake 100 ms
            double perNop = Uring.syscallsPerNop(ring, 64, 64 * 200);
            // The SQ thread may go idle between the counted runs and need one wake-up enter.
            assertEquals(0.0, perNop, 0.01, "syscalls per NOP under SQPOLL");
        }
    }

    @Test
    void oneEnterSubmitsAWholeBatch() {
        try (Uring.Ring ring = Uring.open(512)) {
            assertEquals(1.0, Uring.syscallsPerNop(ring, 1, 512), 0.01);
            assertEquals(1.0 / 64, Uring.syscallsPerNop(ring, 64, 64 * 16), 0.001);
        }
    }

    @Test
    void aBatchLargerThanTheRingIsRefused() {
        try (Uring.Ring ring = Uring.open(8)) {
            assertThrows(IllegalStateException.class, () -> Uring.nops(ring, 64, 16));
        }
    }

    @Test
    void devZeroReadsAreZerosOfTheRightLength() {
        try (Uring.Ring ring = Uring.open(64); Uring.Reader zero = Uring.reader(Uring.Source.DEV_ZERO, null, 0, 1, 32)) {
            for (int batch : new int[] {1, 32}) {
                assertEquals(640, Uring.checkedReads(ring, zero, 640, batch)[0]);
                assertEquals(0, Uring.checkedReads(ring, zero, 640, batch)[1]);
            }
            assertEquals(640, Uring.checkedReads(null, zero, 640, 1)[0]);
        }
    }

    @Test
    void pipeReadsConsumeTheStreamInOrder() {
        int ops = 32 * 100;
        long expected = 0;
        for (int k = 0; k < ops; k++) expected += (k * 7 + 1) & 0xff;
        for (int batch : new int[] {0, 1, 32}) {
            try (Uring.Ring ring = Uring.open(64); Uring.Reader pipe = Uring.reader(Uring.Source.PIPE, null, 0, 1, 32)) {
                long[] got = Uring.checkedReads(batch == 0 ? null : ring, pipe, ops, Math.max(1, batch));
                assertEquals(ops, got[0]);
                assertEquals(expected, got[1], "first bytes of the pipe's stream, batch " + batch);
                // past the capacity: the refills keep every read whole
                long more = 3 * pipe.pipeCapacity() / 32 * 32;
                assertEquals(more, Uring.checkedReads(batch == 0 ? null : ring, pipe, more, Math.max(1, batch))[0]);
            }
        }
    }

    @Test
    void fileReadsReturnThePagesAtTheirOffsets(@TempDir Path dir) throws IOException {
        int size = 4096, pages = 64;
        byte[] data = new byte[size * pages];
        for (int p = 0; p < pages; p++) Arrays.fill(data, p * size, (p + 1) * size, (byte) (p + 1));
        Path file = Files.write(dir.resolve("pages"), data);
        int ops = 3 * pages;
        long expected = 0;
        for (int k = 0; k < ops; k++) expected += k % pages + 1;
        for (int batch : new int[] {0, 1, 32}) {
            try (Uring.Ring ring = Uring.open(64); Uring.Reader reader = Uring.reader(Uring.Source.FILE, file.toString(), data.length, size, 32)) {
                long[] got = Uring.checkedReads(batch == 0 ? null : ring, reader, ops, Math.max(1, batch));
                assertEquals((long) ops * size, got[0]);
                assertEquals(expected, got[1], "first byte of each page read, batch " + batch);
            }
        }
    }

    @Test
    void epollRefusesARegularFileWithEperm(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("regular"), "data");
        int epfd = Epoll.create();
        int fd = Syscalls.open(file.toString(), Syscalls.O_RDONLY);
        int pipeLike = Epoll.eventfd();
        try {
            assertEquals(EPERM, Uring.epollAddErrno(epfd, fd), "epoll_ctl(ADD) of a regular file");
            assertEquals(0, Uring.epollAddErrno(epfd, pipeLike), "an eventfd, which has a wait queue, is accepted");
        } finally {
            Syscalls.close(fd);
            Epoll.close(pipeLike);
            Epoll.close(epfd);
        }
    }
}
