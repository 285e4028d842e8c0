package io.contextlab.servers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The accept loop of the blocking models: one platform thread accepts, and each accepted
 * connection is handed whole to {@code executor} ({@link BlockingConnection#serve}). The three
 * blocking models are this class with a different executor: a new platform thread per task, a
 * fixed pool, a new virtual thread per task.
 *
 * <p>{@code admission} bounds how many connections are being served at once: the acceptor takes a
 * permit before {@code accept()}, so when all are taken further connections wait in the kernel's
 * accept queue (Tomcat's maxConnections behaviour) instead of in an unbounded Java queue.
 *
 * <p>Shutdown closes the listener (ending accept), then every open connection (ending the blocked
 * reads), then waits for the executor's threads: nothing of the model outlives {@link #close()}.
 */
abstract class BlockingServer implements ServerModel {
    private static final Logger LOG = Logger.getLogger(BlockingServer.class.getName());

    private final String name;
    private final ServerConfig config;
    private final ExecutorService executor;
    private final Semaphore admission;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private ServerSocket listener;
    private Thread acceptor;

    BlockingServer(String name, ServerConfig config, ExecutorService executor, int maxConnections) {
        this.name = name;
        this.config = config;
        this.executor = executor;
        this.admission = new Semaphore(maxConnections);
    }

    @Override
    public final void start() throws IOException {
        listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(config.host(), config.port()), config.backlog());
        acceptor = Thread.ofPlatform().name(name + "-acceptor").start(this::acceptLoop);
    }

    @Override
    public final int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        long idleMillis = config.idleTimeout().toMillis();
        boolean warnedOnce = false;
        while (!closed) {
            try {
                admission.acquire();
            } catch (InterruptedException e) {
                return;
            }
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                admission.release();
                if (closed) return;
                // EMFILE and friends: back off rather than spin; the client waits in the backlog.
                if (!warnedOnce) {
                    LOG.log(Level.WARNING, name + ": accept failed, backing off: " + e.getMessage());
                    warnedOnce = true;
                }
                sleepQuietly(10);
                continue;
            }
            open.add(socket);
            if (closed) {                          // raced with close(): it may have missed this one
                closeQuietly(socket);
            }
            try {
                executor.execute(() -> {
                    try {
                        BlockingConnection.serve(socket, idleMillis);
                    } catch (IOException vanished) {
                        // reset or broken pipe: the client went away mid-exchange
                    } finally {
                        closeQuietly(socket);
                        open.remove(socket);
                        admission.release();
                    }
                });
            } catch (RuntimeException | OutOfMemoryError e) {
                // RejectedExecution after close(), or "unable to create native thread"
                closeQuietly(socket);
                open.remove(socket);
                admission.release();
                if (!closed && !warnedOnce) {
                    LOG.log(Level.WARNING, name + ": could not start a thread for a connection: " + e);
                    warnedOnce = true;
                }
            }
        }
    }

    @Override
    public final void close() {
        closed = true;
        if (listener != null) {
            closeQuietly(listener);
        }
        if (acceptor != null) {
            acceptor.interrupt();               // if it waits for a permit
            joinQuietly(acceptor);
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warning(name + ": connection threads still running 10 s after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Socket s : open) {                 // any accepted between the two passes
            closeQuietly(s);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing is best effort; the descriptor is released either way
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
