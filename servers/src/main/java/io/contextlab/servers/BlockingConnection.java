package io.contextlab.servers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * One connection served with blocking reads and writes by whatever runs it: the code the
 * thread-per-connection, bounded-pool and virtual-thread models share, and the State Threads
 * models too (a coroutine's reads and writes look blocking to it, see {@link StConnection}), so
 * that they differ only in how a connection gets its thread and how a wait is made.
 *
 * <p>The idle timeout is a deadline, not a per-read timeout: it starts when the connection is
 * accepted or a response has been written, and the next request head must be complete before it.
 * A client that trickles one byte at a time (slowloris) is therefore closed like a silent one.
 * Limitation of the java.net.Socket models: a write to a client that stops reading blocks without
 * a deadline (the JDK has no socket write timeout); with responses of ~150 bytes a client would
 * have to pipeline megabytes without reading to get there. The State Threads models have one.
 *
 * <p>When the server ends a connection after a response (an error, or {@code Connection: close})
 * it closes the way nginx does ("lingering close"): shut the sending side, then read and drop
 * what the client still sends, for at most {@link #LINGER_MILLIS} and {@link #LINGER_BYTES}.
 * Closing a socket with unread input makes the kernel send a reset, which can destroy the
 * response before the client has read it — exactly the 400 or 431 it most needs to see.
 */
final class BlockingConnection {
    static final long LINGER_MILLIS = 1000;
    static final int LINGER_BYTES = 64 * 1024;

    /** What the loop needs of a connection: reads with a timeout, whole writes, a half-close. */
    interface Io {
        /** Up to len bytes, at least one; -1 at end of stream; SocketTimeoutException when none came in time. */
        int read(byte[] buf, int off, int len, long timeoutMillis) throws IOException;

        void write(byte[] bytes) throws IOException;

        void shutdownOutput() throws IOException;
    }

    private BlockingConnection() {}

    /** A java.net.Socket as {@link Io}: the read timeout is SO_TIMEOUT, set before each read. */
    static void serve(Socket socket, long idleTimeoutMillis) throws IOException {
        socket.setTcpNoDelay(true);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        serve(new Io() {
            @Override
            public int read(byte[] buf, int off, int len, long timeoutMillis) throws IOException {
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis));
                return in.read(buf, off, len);
            }

            @Override
            public void write(byte[] bytes) throws IOException {
                out.write(bytes);
            }

            @Override
            public void shutdownOutput() throws IOException {
                socket.shutdownOutput();
            }
        }, idleTimeoutMillis);
    }

    /** Serves requests until the client closes, asks to close, misbehaves or idles out. */
    static void serve(Io io, long idleTimeoutMillis) throws IOException {
        HttpRequestParser parser = new HttpRequestParser();
        byte[] buf = new byte[HttpRequestParser.MAX_HEAD];
        int start = 0, end = 0;
        long deadline = System.nanoTime() + idleTimeoutMillis * 1_000_000L;
        while (true) {
            int verdict = parser.parse(buf, start, end);
            if (verdict == HttpRequestParser.COMPLETE) {
                io.write(HttpResponses.ok(parser.keepAlive(), parser.headOnly()));
                if (!parser.keepAlive()) {
                    lingeringClose(io, buf, idleTimeoutMillis);
                    return;
                }
                start += parser.headLength();
                deadline = System.nanoTime() + idleTimeoutMillis * 1_000_000L;
                continue;
            }
            if (verdict == HttpRequestParser.REJECT) {
                io.write(HttpResponses.error(parser.rejectStatus()));
                lingeringClose(io, buf, idleTimeoutMillis);
                return;
            }
            if (start > 0) {                       // keep the partial head at the buffer's start
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
            }
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000L;
            if (remainingMillis <= 0) {
                return;
            }
            int n;
            try {
                n = io.read(buf, end, buf.length - end, remainingMillis);
            } catch (SocketTimeoutException idle) {
                return;
            }
            if (n < 0) {
                return;                            // the client closed (possibly mid-request)
            }
            end += n;
        }
    }

    /** Half-closes, then drains the client's leftovers (bounded) so that the close is not a reset. */
    private static void lingeringClose(Io io, byte[] scratch, long idleTimeoutMillis) throws IOException {
        io.shutdownOutput();
        long deadline = System.nanoTime() + Math.min(LINGER_MILLIS, idleTimeoutMillis) * 1_000_000L;
        int drained = 0;
        while (drained < LINGER_BYTES) {
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000L;
            if (remainingMillis <= 0) return;
            int n;
            try {
                n = io.read(scratch, 0, scratch.length, remainingMillis);
            } catch (SocketTimeoutException enough) {
                return;
            }
            if (n < 0) return;
            drained += n;
        }
    }
}
