package io.contextlab.servers;

import java.nio.file.Path;
import java.util.List;

/**
 * A sweep's settings, all recorded in servers.json. Quick (the default, part of `lab run`): four
 * keep-alive concurrency points of 2 s per model after a 1 s warm-up and one Connection: close
 * point of 1 s, about two minutes for the eight servers (1 s points were tried: on a loaded machine reading /proc for 1,000 processes
 * outlasted the point). Full ({@code --full}): the twelve points, 1 to 10,000, of 10 s
 * each, after a 5 s warm-up, and three Connection: close points of 5 s.
 */
record Settings(String mode, List<Models> models, List<Integer> concurrency, List<Integer> closeConcurrency,
                double durationSeconds, double closeDurationSeconds, double warmupSeconds, double wrkTimeoutSeconds, long idleTimeoutMillis, int poolWorkers,
                int loops, int basePort, String java, Path jar, Path nativeDir, Path out, Path logDir) {

    static final List<Integer> QUICK_CONCURRENCY = List.of(1, 10, 100, 1000);
    static final List<Integer> FULL_CONCURRENCY = List.of(1, 2, 3, 4, 10, 50, 100, 200, 500, 1000, 5000, 10000);
    /**
     * Points with {@code Connection: close}: one connection per request, so the fork model forks
     * per request (what the article's fork-mode table most likely measured). Few and short: the
     * server closes first, so every request leaves a TIME_WAIT socket on the server side
     * (net.ipv4.tcp_max_tw_buckets is 131072 here), and the client side needs no port per request
     * only because it closes second.
     */
    static final List<Integer> QUICK_CLOSE_CONCURRENCY = List.of(10);
    static final List<Integer> FULL_CLOSE_CONCURRENCY = List.of(1, 10, 100);

    /** One point's load: how many connections, and whether they are kept alive. */
    record Load(int concurrency, boolean keepAlive) {
        String connection() {
            return keepAlive ? "keep-alive" : "close";
        }
    }

    List<Load> loads() {
        List<Load> loads = new java.util.ArrayList<>();
        concurrency.forEach(c -> loads.add(new Load(c, true)));
        closeConcurrency.forEach(c -> loads.add(new Load(c, false)));
        return loads;
    }
    /** The concurrency at which the best Java model is compared with nginx. */
    static final int RATIO_CONCURRENCY = 1000;
}
