package io.contextlab.servers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Random;
import java.util.List;

/**
 * A sweep's settings, all recorded in servers.json. Every model is started once; then each
 * repetition runs every model's points, the models in an order shuffled per repetition from
 * {@code seed} (so drift does not line up with a model). Quick (the default, part of `lab run`):
 * three repetitions; the models at 1,000 keep-alive connections (the nginx ratio) for 1 s after
 * a 1 s warm-up of the Java models; the article's 2x2 (py-thread, py-fork, c-thread, c-fork) at
 * its nine points with Connection: close and at one keep-alive point (10), 1 s each; then each
 * model's memory with 1,000 idle keep-alive connections. Full ({@code --full}): the twelve
 * keep-alive points, 1 to 10,000, of 10 s after a 5 s warm-up, three Connection: close points of
 * 5 s, the article's points with both connection modes, and 10,000 idle connections.
 */
record Settings(String mode, List<Models> models, List<Integer> concurrency, List<Integer> closeConcurrency,
                double durationSeconds, double closeDurationSeconds, double warmupSeconds, double wrkTimeoutSeconds, long idleTimeoutMillis, int poolWorkers,
                int loops, int basePort, String java, Path jar, Path nativeDir, Path out, Path logDir,
                int repetitions, long seed, List<Integer> articleClose, List<Integer> articleKeepAlive,
                int memoryConnections) {

    /** The first article's concurrency points (its tables, datasets/reference/article-throughput.csv). */
    static final List<Integer> ARTICLE_CONCURRENCY = List.of(1, 2, 3, 4, 10, 50, 100, 200, 500);
    static final List<Integer> QUICK_ARTICLE_KEEP_ALIVE = List.of(10);
    static final int QUICK_REPETITIONS = 3;
    static final int FULL_REPETITIONS = 5;
    static final long DEFAULT_SEED = 18;
    static final int QUICK_MEMORY_CONNECTIONS = 1000;
    static final int FULL_MEMORY_CONNECTIONS = 10000;

    static final List<Integer> QUICK_CONCURRENCY = List.of(1000);
    static final List<Integer> FULL_CONCURRENCY = List.of(1, 2, 3, 4, 10, 50, 100, 200, 500, 1000, 5000, 10000);
    /**
     * Points with {@code Connection: close}: one connection per request, so the fork model forks
     * per request (what the article's fork-mode table most likely measured). Few and short: the
     * server closes first, so every request leaves a TIME_WAIT socket on the server side
     * (net.ipv4.tcp_max_tw_buckets is 131072 here), and the client side needs no port per request
     * only because it closes second.
     */
    static final List<Integer> QUICK_CLOSE_CONCURRENCY = List.of();
    static final List<Integer> FULL_CLOSE_CONCURRENCY = List.of(1, 10, 100);

    /** One point's load: how many connections, and whether they are kept alive. */
    record Load(int concurrency, boolean keepAlive) {
        String connection() {
            return keepAlive ? "keep-alive" : "close";
        }
    }

    /** The points of one model: the article's for the article's 2x2, the sweep's for the others. */
    List<Load> loads(Models model) {
        List<Load> loads = new java.util.ArrayList<>();
        if (model.article()) {
            articleClose.forEach(c -> loads.add(new Load(c, false)));
            articleKeepAlive.forEach(c -> loads.add(new Load(c, true)));
        } else {
            concurrency.forEach(c -> loads.add(new Load(c, true)));
            closeConcurrency.forEach(c -> loads.add(new Load(c, false)));
        }
        return loads;
    }

    /** The order of the models in repetition rep (1-based): a shuffle seeded by seed and rep. */
    static List<Models> order(List<Models> models, long seed, int rep) {
        List<Models> order = new ArrayList<>(models);
        Collections.shuffle(order, new Random(seed * 1_000_003L + rep));
        return order;
    }
    /** The concurrency at which the best Java model is compared with nginx. */
    static final int RATIO_CONCURRENCY = 1000;
}
