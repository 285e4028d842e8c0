package io.contextlab.st;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Socket I/O that parks coroutines on epoll: bytes, independence of waiters, and fds at shutdown. */
@Timeout(60)
class NetFdTest {
    private static Set<String> openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** Reads until end of stream. */
    private static byte[] readAll(NetFd socket) {
        var out = new java.io.ByteArrayOutputStream();
        byte[] chunk = new byte[7919]; // odd-sized reads, so chunk boundaries never line up with writes
        int n;
        while ((n = socket.read(chunk, 0, chunk.length)) > 0) out.write(chunk, 0, n);
        return out.toByteArray();
    }

    @Test
    void theIoPathDeliversEveryByteInOrder() {
        // 8 MiB, far beyond the socket buffers, so both sides park on EAGAIN many times
        byte[] payload = new byte[8 << 20];
        new Random(42).nextBytes(payload);
        int clients = 3;
        List<byte[]> echoed = new ArrayList<>();
        try (Scheduler st = new Scheduler()) {
            NetFd listener = NetFd.listen(st, 0, 16, false);
            int port = listener.localPort();
            st.spawn(() -> {
                for (int i = 0; i < clients; i++) {
                    NetFd conn = listener.accept();
                    st.spawn(() -> {  // echo until the client half-closes... here: until it closes
                        byte[] buf = new byte[65536];
                        int n;
                        while ((n = conn.read(buf, 0, buf.length)) > 0) conn.write(buf, 0, n);
                        conn.close();
                    });
                }
                listener.close();
            });
            for (int i = 0; i < clients; i++) {
                st.spawn(() -> {
                    NetFd conn = NetFd.connect(st, port);
                    Coroutine reader = st.spawnJoinable(() -> {
                        byte[] got = new byte[payload.length];
                        int off = 0;
                        while (off < got.length) {
                            int n = conn.read(got, off, got.length - off);
                            if (n < 0) break;
                            off += n;
                        }
                        echoed.add(off == got.length ? got : new byte[0]);
                    });
                    conn.write(payload, 0, payload.length);
                    st.join(reader);
                    conn.close();
                });
            }
            st.run();
            assertTrue(st.idleWaits() > 0, "the transfer never had to wait on epoll: the test did not exercise parking");
        }
        assertEquals(clients, echoed.size());
        for (byte[] got : echoed) assertArrayEquals(payload, got);
    }

    @Test
    void aCoroutineBlockedOnASocketDoesNotBlockTheOthers() {
        List<String> trace = new ArrayList<>();
        try (Scheduler st = new Scheduler()) {
            NetFd listener = NetFd.listen(st, 0, 4, false);
            int port = listener.localPort();
            boolean[] accepted = {false};
            Coroutine server = st.spawn(() -> {
                NetFd conn = listener.accept();
                accepted[0] = true;
                byte[] one = new byte[1];
                int n = conn.read(one, 0, 1);  // nothing is sent until the counter is done
                trace.add("read " + n + " byte: " + one[0]);
                conn.close();
            });
            st.spawn(() -> {
                NetFd client = NetFd.connect(st, port);
                while (!(accepted[0] && server.state() == Coroutine.State.IO_WAIT)) st.yieldNow();
                trace.add("server parked");
                for (int i = 0; i < 1000; i++) {
                    if (i % 250 == 0) trace.add("counting " + i + ", server " + server.state());
                    st.yieldNow();
                }
                client.write(new byte[] {42}, 0, 1);
                trace.add("sent");
                client.close();
            });
            st.run();
            listener.close();
        }
        assertEquals(List.of("server parked", "counting 0, server IO_WAIT", "counting 250, server IO_WAIT",
                "counting 500, server IO_WAIT", "counting 750, server IO_WAIT", "sent", "read 1 byte: 42"), trace);
    }

    /**
     * One connection on a fresh scheduler: `server` runs in the accepting coroutine, `client` in
     * the connecting one; each side's socket is closed when its code returns.
     */
    private static void overOneConnection(BiConsumer<Scheduler, NetFd> server, BiConsumer<Scheduler, NetFd> client) {
        try (Scheduler st = new Scheduler()) {
            NetFd listener = NetFd.listen(st, 0, 4, false);
            int port = listener.localPort();
            st.spawn(() -> {
                try (NetFd conn = listener.accept()) {
                    server.accept(st, conn);
                }
            });
            st.spawn(() -> {
                try (NetFd conn = NetFd.connect(st, port)) {
                    client.accept(st, conn);
                }
            });
            st.run();
            listener.close();
        }
    }

    @Test
    void aTimedReadFailsWhenItsDeadlineComesFirstAndLeavesNoTimerWhenDataDoes() {
        long ms = 1_000_000L;
        List<String> trace = new ArrayList<>();
        overOneConnection((st, conn) -> {
            byte[] one = new byte[1];
            long before = System.nanoTime();
            try {
                conn.read(one, 0, 1, 30 * ms);  // the client is silent for 100 ms
                trace.add("read early");
            } catch (UncheckedIOException e) {
                assertInstanceOf(SocketTimeoutException.class, e.getCause());
                assertTrue(System.nanoTime() - before >= 30 * ms, "timed out early");
                trace.add("timed out");
            }
            int n = conn.read(one, 0, 1, 10_000 * ms);  // the byte comes long before this deadline
            trace.add("read " + n + ", timers left " + st.sleeping());
        }, (st, client) -> {
            st.sleep(100 * ms);
            client.write(new byte[] {7}, 0, 1);
            trace.add("client sees " + client.read(new byte[1], 0, 1));
        });
        assertEquals(List.of("timed out", "read 1, timers left 0", "client sees -1"), trace);
    }

    @Test
    void aTimedWriteFailsWhenThePeerStopsReading() {
        List<String> trace = new ArrayList<>();
        overOneConnection((st, conn) -> {
            byte[] lots = new byte[64 << 20];  // far beyond both socket buffers
            try {
                conn.write(lots, 0, lots.length, 50_000_000L);
                trace.add("wrote everything");
            } catch (UncheckedIOException e) {
                assertInstanceOf(SocketTimeoutException.class, e.getCause());
                trace.add("write timed out");
            }
        }, (st, client) -> {
            // never reads: waits for the server's timed write to enter SLEEPQ, then to leave it
            while (st.sleeping() == 0) st.sleep(1_000_000L);
            while (st.sleeping() > 0) st.sleep(1_000_000L);
        });
        assertEquals(List.of("write timed out"), trace);
    }

    @Test
    void shutdownOutputSendsEndOfStreamAndKeepsReading() {
        List<String> trace = new ArrayList<>();
        overOneConnection((st, conn) -> {
            conn.write(new byte[] {1}, 0, 1);
            conn.shutdownOutput();
            byte[] b = new byte[1];
            trace.add("server reads " + conn.read(b, 0, 1) + ":" + b[0]);
        }, (st, client) -> {
            byte[] b = new byte[2];
            trace.add("client reads " + client.read(b, 0, 2) + " then " + client.read(b, 0, 2));
            client.write(new byte[] {9}, 0, 1);
        });
        assertEquals(List.of("client reads 1 then -1", "server reads 1:9"), trace);
    }

    @Test
    void shutdownLeavesNoFdOpen() throws IOException {
        Set<String> before = openFds();
        Scheduler st = new Scheduler();
        int epfd = st.epollFd();
        NetFd listener = NetFd.listen(st, 0, 16, true);
        int port = listener.localPort();
        List<NetFd> parked = new ArrayList<>();
        st.spawn(() -> {
            for (int i = 0; i < 4; i++) parked.add(NetFd.connect(st, port));
            for (int i = 0; i < 4; i++) parked.add(listener.accept());
        });
        st.run();
        assertEquals(8, parked.size());
        assertTrue(openFds().contains(Integer.toString(epfd)));
        st.close();  // the listener and the 8 connections were never closed by their users
        assertEquals(before, openFds(), "fds left open after close()");
    }
}
