package io.contextlab.servers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * n keep-alive connections to a server, each of which sent one request; left open and idle
 * until closed, so the server holds whatever a connection costs it (a thread and its stack, a
 * process, a buffer and a state object). For the memory per connection of each model.
 */
final class IdleConnections implements AutoCloseable {
    private static final byte[] REQUEST =
            "GET / HTTP/1.1\r\nHost: memory\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** No new answer for this long: stop waiting (see open). */
    static final long STALL_MS = 500;

    private final List<Socket> sockets = new ArrayList<>();
    private int answered;

    private IdleConnections() {}

    /** Opens n connections, sends a request on each, and counts those answered within timeoutMs in all (see STALL_MS). */
    static IdleConnections open(int port, int n, long timeoutMs) throws IOException {
        IdleConnections c = new IdleConnections();
        try {
            for (int i = 0; i < n; i++) {
                Socket s = new Socket();
                c.sockets.add(s);
                s.connect(new InetSocketAddress(ServerConfig.LOOPBACK, port), 5000);
                s.getOutputStream().write(REQUEST);
            }
            // Answers come in accept order for most models; a model that serves a bounded number
            // at once (pool, prefork, py-fork) stops answering: after STALL_MS without a new
            // answer the rest are only checked for an answer already there, not waited for.
            long deadline = System.nanoTime() + timeoutMs * 1_000_000;
            long lastProgress = System.nanoTime();
            boolean stalled = false;
            byte[] buf = new byte[512];
            for (Socket s : c.sockets) {
                long now = System.nanoTime();
                long left = Math.min(deadline - now, lastProgress + STALL_MS * 1_000_000 - now) / 1_000_000;
                if (stalled || left < 1) {
                    stalled = true;
                    if (s.getInputStream().available() > 0) c.answered++;
                    continue;
                }
                s.setSoTimeout((int) left);
                try {
                    if (s.getInputStream().read(buf) > 0) {
                        c.answered++;
                        lastProgress = System.nanoTime();
                    }
                } catch (SocketTimeoutException e) {
                    stalled = true;      // not answered (yet): a server that serves a bounded number at once
                }
            }
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    int answered() {
        return answered;
    }

    @Override
    public void close() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing: nothing to do
            }
        }
    }
}
