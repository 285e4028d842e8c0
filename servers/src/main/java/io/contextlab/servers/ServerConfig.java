package io.contextlab.servers;

import java.time.Duration;

/**
 * What every model is started with. {@code port} 0 asks the kernel for a free port (tests);
 * {@code backlog} is the listen queue (the kernel caps it at net.core.somaxconn);
 * {@code workers} is the pool size (bounded pool, prefork) or the number of event loops
 * (reuse-port model); models that do not use it ignore it.
 */
public record ServerConfig(String host, int port, Duration idleTimeout, int backlog, int workers) {
    public static final String LOOPBACK = "127.0.0.1";
    /** Apache prefork's MaxRequestWorkers default; the bounded pool and prefork use the same. */
    public static final int DEFAULT_POOL = 256;

    public ServerConfig {
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("the idle timeout must be positive, got " + idleTimeout);
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
    }

    public static ServerConfig defaults() {
        return new ServerConfig(LOOPBACK, 0, Duration.ofSeconds(30), 4096, DEFAULT_POOL);
    }

    public ServerConfig withPort(int p) { return new ServerConfig(host, p, idleTimeout, backlog, workers); }
    public ServerConfig withIdleTimeout(Duration d) { return new ServerConfig(host, port, d, backlog, workers); }
    public ServerConfig withWorkers(int w) { return new ServerConfig(host, port, idleTimeout, backlog, w); }
}
