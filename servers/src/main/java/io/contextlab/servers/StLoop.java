package io.contextlab.servers;

import io.contextlab.st.NetFd;
import io.contextlab.st.Scheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.logging.Logger;

/**
 * One State Threads runtime ({@link Scheduler}) on one platform thread: an acceptor coroutine
 * and a coroutine per connection ({@link StConnection}), with its own listening socket — the
 * structure of the article's State Threads servers, where each process is one such "virtual
 * processor" and several of them share a port. No lock anywhere: everything below runs on the
 * loop's thread, and the only other thread that touches the runtime is {@link #close}'s, through
 * {@link Scheduler#runLater}.
 */
final class StLoop {
    private static final Logger LOG = Logger.getLogger(StLoop.class.getName());
    /** Back-off after a failed accept (EMFILE and friends), as in the blocking models. */
    private static final long ACCEPT_BACKOFF_NANOS = 10_000_000L;

    private final String name;
    private final long idleTimeoutMillis;
    private final Scheduler scheduler;
    private final NetFd listener;
    private boolean stopping;
    private Thread thread;

    /** Binds 127.0.0.1:port (0: the kernel picks), with SO_REUSEPORT when asked; does not serve yet. */
    StLoop(String name, ServerConfig config, int port, boolean reusePort) throws IOException {
        this.name = name;
        this.idleTimeoutMillis = config.idleTimeout().toMillis();
        if (!ServerConfig.LOOPBACK.equals(config.host())) {
            throw new IOException("the State Threads runtime listens on " + ServerConfig.LOOPBACK + " only, not " + config.host());
        }
        scheduler = new Scheduler();
        try {
            listener = NetFd.listen(scheduler, port, config.backlog(), reusePort);
        } catch (UncheckedIOException e) {
            scheduler.close();
            throw e.getCause();
        }
    }

    int port() {
        return listener.localPort();
    }

    void start() {
        scheduler.spawn(this::acceptLoop);
        thread = Thread.ofPlatform().name(name).start(this::run);
    }

    private void run() {
        try {
            scheduler.run();
        } catch (RuntimeException e) {
            LOG.severe(name + ": the runtime failed: " + e);
        } finally {
            scheduler.close();                          // closes whatever socket is still open
        }
    }

    private void acceptLoop() {
        boolean warnedOnce = false;
        while (!stopping) {
            NetFd conn;
            try {
                conn = listener.accept();
            } catch (UncheckedIOException e) {
                if (stopping) return;
                if (!warnedOnce) {
                    LOG.warning(name + ": accept failed, backing off: " + e.getCause().getMessage());
                    warnedOnce = true;
                }
                scheduler.sleep(ACCEPT_BACKOFF_NANOS);
                continue;
            }
            scheduler.spawn(() -> StConnection.serve(conn, idleTimeoutMillis));
        }
    }

    /** Runs on the loop: closing a socket wakes the coroutine parked on it, which then ends. */
    private void stop() {
        stopping = true;
        scheduler.closeSockets();              // the listener and every connection
    }

    /** Stops accepting, closes every connection, and waits for the loop's thread to end. */
    void close() {
        if (thread == null) {
            scheduler.close();
            return;
        }
        try {
            scheduler.runLater(this::stop);
        } catch (IllegalStateException alreadyClosed) {
            // the runtime ended on its own (it failed): nothing left to stop
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
