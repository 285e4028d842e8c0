package io.contextlab.servers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * One event loop: a thread, a {@link Selector} (epoll on Linux, level-triggered), a non-blocking
 * listening channel and the {@link SelectorConnection}s it accepted. Everything of a connection
 * happens on this thread, so nothing is locked. Ready keys come through
 * {@link Selector#select(Consumer, long)}, not the selected-key set, which allocates per event.
 *
 * <p>Idle connections are found by a sweep over the registered keys every
 * {@code min(1 s, idle/4)} — O(connections) per sweep, i.e. at most 10,000 deadline comparisons a
 * second at C10K, cheaper than maintaining a timer wheel for a timeout that almost never fires.
 * When accept fails (EMFILE), accept interest is dropped for 100 ms instead of spinning on a
 * listener that stays readable.
 */
final class SelectorLoop implements Runnable {
    private static final Logger LOG = Logger.getLogger(SelectorLoop.class.getName());
    private static final long ACCEPT_BACKOFF_NANOS = 100_000_000L;

    private final String name;
    private final Selector selector;
    private final ServerSocketChannel listener;
    private final SelectionKey acceptKey;
    private final long idleNanos;
    private final long sweepNanos;
    private volatile boolean closed;
    private Thread thread;
    private long acceptPausedUntil;

    SelectorLoop(String name, ServerConfig config, int port, boolean reusePort) throws IOException {
        this.name = name;
        this.idleNanos = config.idleTimeout().toNanos();
        this.sweepNanos = Math.min(1_000_000_000L, Math.max(10_000_000L, idleNanos / 4));
        this.selector = Selector.open();
        this.listener = ServerSocketChannel.open();
        try {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (reusePort) {
                listener.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            listener.bind(new InetSocketAddress(config.host(), port), config.backlog());
            listener.configureBlocking(false);
            acceptKey = listener.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            listener.close();
            selector.close();
            throw e;
        }
    }

    int port() {
        return listener.socket().getLocalPort();
    }

    void start() {
        thread = Thread.ofPlatform().name(name).start(this);
    }

    @Override
    public void run() {
        long nextSweep = System.nanoTime() + sweepNanos;
        try {
            while (!closed) {
                // select(action): each ready key is handed to dispatch as epoll reports it, without
                // the selected-key set (a HashSet add, an iterator and a remove per ready key: garbage
                // per event, hence young collections, in the profile under wrk -c1000).
                now = 0;
                selector.select(dispatch, Math.max(1, sweepNanos / 1_000_000L));
                if (now == 0) now = System.nanoTime();      // a timeout or wakeup: nothing dispatched
                if (acceptPausedUntil != 0 && now - acceptPausedUntil >= 0) {
                    acceptPausedUntil = 0;
                    acceptKey.interestOps(SelectionKey.OP_ACCEPT);
                }
                if (now - nextSweep >= 0) {
                    closeIdle(now);
                    nextSweep = now + sweepNanos;
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) LOG.severe(name + ": event loop failed: " + e);
        } finally {
            closeEverything();
        }
    }

    /** The time of the current select's ready keys, read once per select (at its first key). */
    private long now;
    /** Bound once: a method reference evaluated per select would be an object per select. */
    private final Consumer<SelectionKey> dispatch = this::dispatch;

    private void dispatch(SelectionKey key) {
        if (now == 0) now = System.nanoTime();
        if (!key.isValid()) return;
        if (key == acceptKey) {
            acceptAll(now);
            return;
        }
        SelectorConnection c = (SelectorConnection) key.attachment();
        try {
            if (key.isReadable()) {
                c.onReadable(now);
            } else if (key.isWritable()) {
                c.onWritable(now);
            }
        } catch (RuntimeException e) {
            // one connection's bug must not take the loop and its other connections down
            LOG.warning(name + ": closing a connection after " + e);
            c.close();
        }
    }

    private void acceptAll(long now) {
        while (true) {
            SocketChannel ch;
            try {
                ch = listener.accept();
            } catch (IOException e) {
                LOG.fine(() -> name + ": accept failed, pausing accepts: " + e.getMessage());
                acceptKey.interestOps(0);
                acceptPausedUntil = now + ACCEPT_BACKOFF_NANOS;
                return;
            }
            if (ch == null) return;
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
                key.attach(new SelectorConnection(ch, key, idleNanos, now));
            } catch (IOException e) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // released either way
                }
            }
        }
    }

    private void closeIdle(long now) {
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof SelectorConnection c && now - c.deadline > 0) {
                c.close();
            }
        }
    }

    private void closeEverything() {
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof SelectorConnection c) {
                c.close();
            }
        }
        try {
            listener.close();
        } catch (IOException ignored) {
            // released either way
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // released either way
        }
    }

    /** Stops the loop; its thread closes every connection, the listener and the selector. */
    void close() {
        closed = true;
        selector.wakeup();
        if (thread == null) {
            closeEverything();
            return;
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
