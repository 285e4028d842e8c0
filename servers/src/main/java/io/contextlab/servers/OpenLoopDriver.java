package io.contextlab.servers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * A small HTTP/1.1 load generator on 127.0.0.1 for what wrk cannot do: requests at a fixed rate,
 * each one's latency counted from the time it was <em>scheduled</em> to be sent (wrk2's method, so
 * coordinated omission is corrected: a request that waits for a free connection or for a slow
 * server is late from its schedule on, not from when it finally left), recorded in an HdrHistogram.
 *
 * <p>Open loop ({@code rate > 0}): the schedule t0 + k / rate is dealt round-robin to a few
 * threads (two by default, like wrk's), each with one Selector and its share of the keep-alive
 * connections. A thread sends each of its requests when due on one of its idle connections (no
 * pipelining: a connection carries one request at a time; when none is idle the schedule waits,
 * and every request behind it is counted late), reads the responses and records now − scheduled.
 * Below a millisecond to the next send it polls (selectNow and a 20 µs park) rather than sleep in
 * a 1-ms select. Closed loop ({@code rate == 0}, wrk's
 * method, for the cross-check against wrk): each connection sends its next request as soon as the
 * previous response has arrived. At the end, requests still unanswered after a grace period are
 * counted as {@code unfinished} and recorded at their age at the cut-off (a lower bound), so a
 * stalled server cannot hide from the high percentiles.
 *
 * <p>The driver's own lateness is recorded as {@code sendLag} (send time − scheduled time): it
 * is part of every latency and tells how fine the driver's clock is on a loaded machine.
 */
final class OpenLoopDriver {
    /** Highest latency recorded (ns); longer ones are clamped to it. */
    static final long HIGHEST_NS = TimeUnit.SECONDS.toNanos(60);
    static final long GRACE_NS = TimeUnit.MILLISECONDS.toNanos(1000);

    record Result(double seconds, long scheduled, long sent, long completed, long ok, long errors, long unfinished,
                  Histogram latencyNs, Histogram sendLagNs) {
        double completedPerSecond() {
            return completed / seconds;
        }

        double okPerSecond() {
            return ok / seconds;
        }
    }

    private static final byte[] REQUEST =
            "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: contextlab-open-loop\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** One keep-alive connection and the response being read on it. */
    private static final class Conn {
        final SocketChannel ch;
        final ByteBuffer request = ByteBuffer.wrap(REQUEST);
        volatile long scheduled;            // of the request in flight, written before the request is
        volatile boolean inFlight;
        boolean dead;
        final byte[] acc = new byte[2048];
        int accLen, need = -1, status;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }

        boolean send(long scheduled) {
            this.scheduled = scheduled;
            inFlight = true;
            request.clear();
            try {
                while (request.hasRemaining()) {
                    if (ch.write(request) == 0) Thread.onSpinWait();     // a ~70-byte write into an empty buffer
                }
                return true;
            } catch (IOException e) {
                inFlight = false;
                dead = true;
                return false;
            }
        }
    }

    private OpenLoopDriver() {}

    /**
     * Runs one point: {@code connections} keep-alive connections to 127.0.0.1:port, {@code rate}
     * requests per second (0: closed loop) for {@code seconds}, {@code receivers} reading threads.
     */
    static Result run(int port, int connections, double rate, double seconds, int receivers)
            throws IOException, InterruptedException {
        List<Conn> conns = new ArrayList<>(connections);
        List<Receiver> rs = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                SocketChannel ch = SocketChannel.open();
                conns.add(new Conn(ch));
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.connect(new InetSocketAddress(ServerConfig.LOOPBACK, port));
                ch.configureBlocking(false);
            }
            boolean closed = rate <= 0;
            // Each connection answers one request before the clock starts (untimed), so the
            // server has set it up: the point measures a rate, not 1,000 connections' first use.
            for (int t = 0; t < receivers; t++) rs.add(new Receiver(closed));
            for (int i = 0; i < conns.size(); i++) rs.get(i % receivers).add(conns.get(i));
            for (Receiver r : rs) r.prime();
            long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            long end = t0 + (long) (seconds * 1e9);
            // Each thread sends its share of the schedule on its own connections: thread t sends
            // requests t, t + R, t + 2R, ... of the global schedule t0 + k / rate.
            double interval = closed ? 0 : 1e9 / rate;
            for (int t = 0; t < receivers; t++) rs.get(t).start(t0 + (long) (t * interval), interval * receivers, end);
            for (Receiver r : rs) r.join();
            Histogram latency = new Histogram(HIGHEST_NS, 3), lag = new Histogram(HIGHEST_NS, 3);
            long completed = 0, ok = 0, errors = 0, unfinished = 0, scheduled = 0, sent = 0;
            for (Receiver r : rs) {
                latency.add(r.latency);
                lag.add(r.lag);
                scheduled += r.scheduled;
                sent += r.sent;
                completed += r.completed;
                ok += r.ok;
                errors += r.errors.get();
                unfinished += r.unfinished;
            }
            if (closed) scheduled = completed + unfinished;
            return new Result((end - t0) / 1e9, scheduled, sent, completed, ok, errors, unfinished, latency, lag);
        } finally {
            for (Receiver r : rs) r.stop();
            for (Conn c : conns) {
                try {
                    c.ch.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }

    /**
     * One thread with its share of the connections and of the schedule: it sends each of its
     * requests when due on one of its idle connections and reads the responses.
     */
    private static final class Receiver implements Runnable {
        /** Below this wait the loop polls (selectNow, then a short park) instead of a 1-ms select. */
        static final long POLL_BELOW_NS = 1_000_000, PARK_NS = 20_000;
        final boolean closedLoop;
        final Selector selector;
        final List<Conn> mine = new ArrayList<>();
        final java.util.ArrayDeque<Conn> idle = new java.util.ArrayDeque<>();
        final Histogram latency = new Histogram(HIGHEST_NS, 3), lag = new Histogram(HIGHEST_NS, 3);
        final AtomicLong errors = new AtomicLong();
        final ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
        long first, end;
        double every;
        long completed, ok, unfinished, scheduled, sent;
        volatile boolean stop;
        Thread thread;

        Receiver(boolean closedLoop) throws IOException {
            this.closedLoop = closedLoop;
            this.selector = Selector.open();
        }

        /** One untimed request on each connection, answered before the point starts (at most 3 s). */
        void prime() throws IOException {
            idle.clear();
            for (Conn c : mine) if (!c.send(0)) errors.incrementAndGet();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            boolean loop = closedLoop;
            while (idle.size() < mine.size() && System.nanoTime() < deadline) {
                if (selector.select(10) > 0) {
                    for (SelectionKey key : selector.selectedKeys()) {
                        if (key.isValid()) primeRead((Conn) key.attachment(), key);
                    }
                    selector.selectedKeys().clear();
                }
            }
            for (Conn c : mine) {
                if (c.inFlight) {             // not answered in time: never used (a late answer would be misread)
                    c.inFlight = false;
                    c.dead = true;
                }
            }
            if (loop) idle.clear();
        }

        private void primeRead(Conn c, SelectionKey k) {
            boolean was = c.inFlight;
            read(c, k);                       // end is 0 here: nothing is recorded or sent next
            if (was && !c.inFlight && closedLoop) idle.add(c);
        }

        void add(Conn c) throws IOException {
            mine.add(c);
            idle.add(c);
            c.ch.register(selector, SelectionKey.OP_READ, c);
        }

        void start(long first, double every, long end) {
            this.first = first;
            this.every = every;
            this.end = end;
            idle.removeIf(c -> c.dead);
            thread = new Thread(this, "open-loop-driver");
            thread.setDaemon(true);
            thread.start();
        }

        void join() throws InterruptedException {
            thread.join();
        }

        void stop() {
            stop = true;
            selector.wakeup();
            try {
                if (thread != null) thread.join(2000);
                selector.close();
            } catch (IOException | InterruptedException ignored) {
                // closing
            }
        }

        @Override
        public void run() {
            try {
                long wait0 = first - System.nanoTime();
                if (wait0 > 0) LockSupport.parkNanos(wait0);
                if (closedLoop) {
                    for (Conn c : mine) {
                        if (c.send(System.nanoTime())) sent++;
                        else errors.incrementAndGet();
                    }
                    idle.clear();
                }
                long cutoff = end + GRACE_NS;
                long k = 0;
                long next = first;
                while (!stop) {
                    long now = System.nanoTime();
                    if (!closedLoop) {
                        while (next < end && next <= now) {
                            Conn c = idle.poll();
                            while (c != null && c.dead) c = idle.poll();
                            if (c == null) break;                 // every connection busy: the schedule waits
                            scheduled++;
                            if (c.send(next)) {
                                sent++;
                                lag.recordValue(Math.min(HIGHEST_NS, Math.max(0, System.nanoTime() - next)));
                            } else {
                                errors.incrementAndGet();
                            }
                            k++;
                            next = first + (long) (k * every);
                        }
                    }
                    if (now >= end && (next >= end || closedLoop || now >= cutoff) && (now >= cutoff || noneInFlight())) break;
                    long wait = (!closedLoop && next < end && !idle.isEmpty()) ? next - now : Long.MAX_VALUE;
                    int ready;
                    if (wait <= 0) {
                        ready = selector.selectNow();
                    } else if (wait < POLL_BELOW_NS) {
                        ready = selector.selectNow();
                        if (ready == 0) LockSupport.parkNanos(Math.min(wait, PARK_NS));
                    } else {
                        // Nothing to send (all sent, or every connection busy): wait for a response,
                        // but no longer than the end of the window, then in short steps to the cut-off.
                        long until = now < end ? end - now : Math.min(10_000_000L, cutoff - now);
                        ready = selector.select(Math.max(1, Math.min(wait, until) / 1_000_000));
                    }
                    if (ready > 0) {
                        for (SelectionKey key : selector.selectedKeys()) {
                            if (key.isValid()) read((Conn) key.attachment(), key);
                        }
                        selector.selectedKeys().clear();
                    }
                }
                long now = System.nanoTime();
                for (Conn c : mine) {
                    if (c.inFlight) {
                        unfinished++;
                        latency.recordValue(Math.min(HIGHEST_NS, Math.max(0, now - c.scheduled)));
                    }
                }
                if (!closedLoop) {
                    // Scheduled inside the window but never sent (every connection held to the end).
                    long due = next >= end ? 0 : (long) Math.ceil((end - next) / every);
                    if (due > 0) {
                        scheduled += due;
                        unfinished += due;
                        latency.recordValueWithCount(Math.min(HIGHEST_NS, Math.max(0, now - next)), due);
                    }
                }
            } catch (IOException e) {
                errors.incrementAndGet();
            }
        }

        private boolean noneInFlight() {
            for (Conn c : mine) if (c.inFlight) return false;
            return true;
        }

        private void read(Conn c, SelectionKey k) {
            while (true) {
                buf.clear();
                int n;
                try {
                    n = c.ch.read(buf);
                } catch (IOException e) {
                    n = -1;
                }
                if (n == 0) return;
                if (n < 0) {
                    k.cancel();
                    if (c.inFlight) errors.incrementAndGet();
                    c.inFlight = false;
                    c.dead = true;
                    return;
                }
                buf.flip();
                if (c.accLen + n > c.acc.length) {
                    k.cancel();
                    errors.incrementAndGet();
                    c.inFlight = false;
                    c.dead = true;
                    return;
                }
                buf.get(c.acc, c.accLen, n);
                c.accLen += n;
                if (c.need < 0) parseHead(c);
                if (c.need >= 0 && c.accLen >= c.need) {
                    long now = System.nanoTime();
                    long sched = c.scheduled;
                    boolean counted = sched < end;        // requests scheduled inside the window only
                    if (counted) {
                        latency.recordValue(Math.min(HIGHEST_NS, Math.max(0, now - sched)));
                        completed++;
                        if (c.status >= 200 && c.status < 300) ok++;
                    }
                    c.accLen = 0;
                    c.need = -1;
                    c.inFlight = false;
                    if (closedLoop) {
                        if (now < end && !c.send(now)) errors.incrementAndGet();
                    } else {
                        idle.add(c);
                    }
                    return;
                }
                if (n < buf.capacity()) return;
            }
        }

        /** Sets need (head + Content-Length) and status once the head is complete. */
        private static void parseHead(Conn c) {
            byte[] a = c.acc;
            int headEnd = -1;
            for (int i = 3; i < c.accLen; i++) {
                if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
                    headEnd = i + 1;
                    break;
                }
            }
            if (headEnd < 0) return;
            c.status = c.accLen >= 12 ? (a[9] - '0') * 100 + (a[10] - '0') * 10 + (a[11] - '0') : 0;
            int length = 0;
            String head = new String(a, 0, headEnd, StandardCharsets.ISO_8859_1);
            int at = indexOfIgnoreCase(head, "\r\ncontent-length:");
            if (at >= 0) {
                int i = at + "\r\ncontent-length:".length();
                while (i < head.length() && head.charAt(i) == ' ') i++;
                while (i < head.length() && Character.isDigit(head.charAt(i))) length = length * 10 + (head.charAt(i++) - '0');
            }
            c.need = headEnd + length;
        }

        private static int indexOfIgnoreCase(String s, String lowerNeedle) {
            int n = lowerNeedle.length();
            for (int i = 0; i + n <= s.length(); i++) {
                if (s.regionMatches(true, i, lowerNeedle, 0, n)) return i;
            }
            return -1;
        }
    }
}
