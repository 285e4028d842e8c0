package io.contextlab.servers;

import java.util.concurrent.Executors;

/**
 * Model (b): a fixed pool of {@code workers} platform threads; a connection holds a pool thread
 * for its whole (keep-alive) life. At most {@code workers} connections are served at once; the
 * acceptor stops accepting while all are busy, so the others wait in the kernel's accept queue —
 * under keep-alive load beyond the pool size they are starved (wrk reports them as timeouts),
 * which is the model's defining behaviour, not a bug of this implementation.
 */
final class BoundedPoolServer extends BlockingServer {
    BoundedPoolServer(ServerConfig config) {
        super("pool", config,
                Executors.newFixedThreadPool(config.workers(), Thread.ofPlatform().name("pool-", 0).factory()),
                config.workers());
    }
}
