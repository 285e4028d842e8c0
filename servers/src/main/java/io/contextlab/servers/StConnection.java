package io.contextlab.servers;

import io.contextlab.st.NetFd;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;

/**
 * One connection served by one State Threads coroutine: the same straight-line code as
 * {@link BlockingConnection} (parse, answer, repeat; lingering close), but every read and write
 * parks the coroutine in the runtime's IOQ instead of blocking a thread, and both carry a
 * deadline through the runtime's SLEEPQ.
 *
 * <p>The idle timeout is the same deadline as in the blocking models: the next request head must
 * be complete before it. Unlike them, a write has one too (the idle timeout again): a client that
 * stops reading is dropped, because the runtime can wait on "writable or deadline" where
 * java.net.Socket cannot.
 */
final class StConnection {
    private StConnection() {}

    /** Serves requests until the client closes, asks to close, misbehaves, idles or stalls out; then closes. */
    static void serve(NetFd socket, long idleTimeoutMillis) {
        long idleNanos = idleTimeoutMillis * 1_000_000L;
        try {
            HttpRequestParser parser = new HttpRequestParser();
            byte[] buf = new byte[HttpRequestParser.MAX_HEAD];
            int start = 0, end = 0;
            long deadline = System.nanoTime() + idleNanos;
            while (true) {
                int verdict = parser.parse(buf, start, end);
                if (verdict == HttpRequestParser.COMPLETE) {
                    byte[] response = HttpResponses.ok(parser.keepAlive(), parser.headOnly());
                    socket.write(response, 0, response.length, idleNanos);
                    if (!parser.keepAlive()) {
                        lingeringClose(socket, buf, idleTimeoutMillis);
                        return;
                    }
                    start += parser.headLength();
                    deadline = System.nanoTime() + idleNanos;
                    continue;
                }
                if (verdict == HttpRequestParser.REJECT) {
                    byte[] response = HttpResponses.error(parser.rejectStatus());
                    socket.write(response, 0, response.length, idleNanos);
                    lingeringClose(socket, buf, idleTimeoutMillis);
                    return;
                }
                if (start > 0) {                       // keep the partial head at the buffer's start
                    System.arraycopy(buf, start, buf, 0, end - start);
                    end -= start;
                    start = 0;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) return;
                int n = socket.read(buf, end, buf.length - end, remaining);
                if (n < 0) return;                     // the client closed (possibly mid-request)
                end += n;
            }
        } catch (UncheckedIOException gone) {
            // timed out, reset or broken pipe: either way the connection is over
        } finally {
            socket.close();
        }
    }

    /** Half-closes, then drains the client's leftovers (bounded) so that the close is not a reset. */
    private static void lingeringClose(NetFd socket, byte[] scratch, long idleTimeoutMillis) {
        socket.shutdownOutput();
        long deadline = System.nanoTime() + Math.min(BlockingConnection.LINGER_MILLIS, idleTimeoutMillis) * 1_000_000L;
        int drained = 0;
        while (drained < BlockingConnection.LINGER_BYTES) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) return;
            int n;
            try {
                n = socket.read(scratch, 0, scratch.length, remaining);
            } catch (UncheckedIOException e) {
                if (e.getCause() instanceof SocketTimeoutException) return;
                throw e;
            }
            if (n < 0) return;
            drained += n;
        }
    }
}
