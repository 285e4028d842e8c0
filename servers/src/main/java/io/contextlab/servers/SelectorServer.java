package io.contextlab.servers;

import java.io.IOException;

/**
 * Model (d1): one NIO Selector thread serves every connection through callbacks on a
 * per-connection state machine ({@link SelectorLoop}, {@link SelectorConnection}) — the
 * article's event-loop answer to C10K, on one core.
 */
final class SelectorServer implements ServerModel {
    private final ServerConfig config;
    private SelectorLoop loop;

    SelectorServer(ServerConfig config) {
        this.config = config;
    }

    @Override
    public void start() throws IOException {
        loop = new SelectorLoop("selector", config, config.port(), false);
        loop.start();
    }

    @Override
    public int port() {
        return loop.port();
    }

    @Override
    public void close() {
        if (loop != null) loop.close();
    }
}
