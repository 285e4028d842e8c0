package io.contextlab.servers;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Models (f) and (f2), on the State Threads runtime (io.contextlab.st): coroutines over epoll,
 * written as blocking code. {@code st}: one runtime on one OS thread, the article's single
 * "virtual processor". {@code st-reuseport}: one runtime per core, each with its own SO_REUSEPORT
 * listener, sharing nothing — the article's multi-process State Threads server, as threads of one
 * JVM. Set against {@code selector}/{@code reuseport} (the same topologies written as callbacks)
 * and {@code virtual} (the same blocking code on the JDK's general-purpose scheduler).
 */
final class StServer implements ServerModel {
    private final ServerConfig config;
    private final int loopCount;
    private final List<StLoop> loops = new ArrayList<>();

    /** loopCount 1: the `st` model; config.workers(): `st-reuseport`. */
    StServer(ServerConfig config, int loopCount) {
        this.config = config;
        this.loopCount = loopCount;
    }

    @Override
    public void start() throws IOException {
        boolean reusePort = loopCount > 1;
        try {
            int port = config.port();
            for (int i = 0; i < loopCount; i++) {
                StLoop loop = new StLoop(reusePort ? "st-loop-" + i : "st-loop", config, port, reusePort);
                loops.add(loop);
                port = loop.port();                // port 0: the first loop picks, the others join it
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        loops.forEach(StLoop::start);
    }

    @Override
    public int port() {
        return loops.getFirst().port();
    }

    @Override
    public void close() {
        loops.forEach(StLoop::close);
    }
}
