package io.contextlab.servers;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Model (d2): one {@link SelectorLoop} per core, each with its own listening socket bound to the
 * same port with SO_REUSEPORT; the kernel spreads new connections over the listeners by a hash of
 * the 4-tuple, so the loops share nothing (nginx's {@code reuseport} layout). {@code workers}
 * loops; the driver passes the number of CPUs. A connection stays on the loop that accepted it,
 * so an unlucky hash can leave one loop with more connections than another.
 */
final class ReusePortSelectorServer implements ServerModel {
    private final ServerConfig config;
    private final List<SelectorLoop> loops = new ArrayList<>();

    ReusePortSelectorServer(ServerConfig config) {
        this.config = config;
    }

    @Override
    public void start() throws IOException {
        try {
            int port = config.port();
            for (int i = 0; i < config.workers(); i++) {
                SelectorLoop loop = new SelectorLoop("reuseport-loop-" + i, config, port, true);
                loops.add(loop);
                port = loop.port();            // port 0: the first loop picks, the others join it
            }
        } catch (IOException e) {
            close();
            throw e;
        }
        loops.forEach(SelectorLoop::start);
    }

    @Override
    public int port() {
        return loops.getFirst().port();
    }

    @Override
    public void close() {
        loops.forEach(SelectorLoop::close);
    }
}
