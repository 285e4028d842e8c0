package io.contextlab.servers;

import io.contextlab.st.NetFd;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A State Threads socket ({@link NetFd}) as the blocking connection loop's {@link BlockingConnection.Io}:
 * the same straight-line code as the blocking models, but every read and write parks the
 * coroutine in the runtime's IOQ instead of blocking a thread, and both carry a deadline through
 * the runtime's SLEEPQ. A write's deadline is the idle timeout: a client that stops reading is
 * dropped, because the runtime can wait on "writable or deadline" where java.net.Socket cannot.
 */
final class StConnection implements BlockingConnection.Io {
    private final NetFd socket;
    private final long writeTimeoutNanos;

    private StConnection(NetFd socket, long idleTimeoutMillis) {
        this.socket = socket;
        this.writeTimeoutNanos = idleTimeoutMillis * 1_000_000L;
    }

    /** Serves requests until the client closes, asks to close, misbehaves, idles or stalls out; then closes. */
    static void serve(NetFd socket, long idleTimeoutMillis) {
        try {
            BlockingConnection.serve(new StConnection(socket, idleTimeoutMillis), idleTimeoutMillis);
        } catch (IOException gone) {
            // reset or broken pipe, or a write that timed out: either way the connection is over
        } finally {
            socket.close();
        }
    }

    @Override
    public int read(byte[] buf, int off, int len, long timeoutMillis) throws IOException {
        try {
            return socket.read(buf, off, len, timeoutMillis * 1_000_000L);
        } catch (UncheckedIOException e) {
            throw e.getCause();          // a SocketTimeoutException among them, as the loop expects
        }
    }

    @Override
    public void write(byte[] bytes) throws IOException {
        try {
            socket.write(bytes, 0, bytes.length, writeTimeoutNanos);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        try {
            socket.shutdownOutput();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
