package io.contextlab.servers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Random;
import java.util.List;

/**
 * A sweep's settings, all recorded in servers.json. Every model is started once; then each
 * repetition runs every model's points, the models in an order shuffled per repetition from
 * {@code seed} (so drift does not line up with a model). Quick (the default, part of `lab run`,
 * meant to fit in three and a half minutes): three repetitions of: reuseport, selector, virtual and nginx at 1,000
 * keep-alive connections (the nginx ratio; the peaks of the open-loop rates) for 1 s after a 1 s
 * warm-up of the Java models, and the article's 2x2 (py-thread, py-fork, c-thread, c-fork) at its
 * nine points with Connection: close, 1 s each; then the
 * open-loop latency of nginx, reuseport, selector and virtual at 25/50/75/90 % of their peak, 1 s
 * each; then every model's memory with 1,000 idle keep-alive connections, each model on an instance
 * started afresh (ServersReport.MEMORY_METHOD). A server not drained
 * 0.5 s after a point is restarted. Full ({@code --full}): every model at the twelve keep-alive
 * points, 1 to 10,000, of 10 s after a 5 s warm-up, three Connection: close points of 5 s, the
 * article's points (and 1,000 for all four) with both connection modes, open loop for 10 s in
 * three repetitions, and 10,000 idle connections.
 */
record Settings(String mode, List<Models> models, List<Integer> concurrency, List<Integer> closeConcurrency,
                double durationSeconds, double closeDurationSeconds, double warmupSeconds, double wrkTimeoutSeconds, long idleTimeoutMillis, int poolWorkers,
                int loops, int basePort, String java, Path jar, Path nativeDir, Path out, Path logDir,
                int repetitions, long seed, List<Integer> articleClose, List<Integer> articleKeepAlive,
                int memoryConnections, List<Models> keepAliveModels, List<Integer> articleCloseBeyond,
                List<Models> articleBeyondModels, List<Models> openLoopModels, List<Integer> openLoopPercents,
                double openLoopSeconds, int openLoopRepetitions, double drainBoundSeconds) {

    /**
     * The models swept at the keep-alive points in the quick run: the best Java candidates at
     * 1,000 connections in the committed runs (reuseport, selector), virtual (the open-loop
     * comparison) and nginx (the reference of the ratio). Every model is still started and has its
     * memory measured; --models or --full sweeps every model given.
     */
    static final List<Models> QUICK_KEEP_ALIVE_MODELS = List.of(Models.REUSEPORT, Models.SELECTOR, Models.VIRTUAL, Models.NGINX);
    /** Open-loop latency: these models (each needs its keep-alive peak at RATIO_CONCURRENCY), at these % of it. */
    static final List<Models> OPEN_LOOP_MODELS = List.of(Models.NGINX, Models.REUSEPORT, Models.SELECTOR, Models.VIRTUAL);
    static final List<Integer> OPEN_LOOP_PERCENTS = List.of(25, 50, 75, 90);
    /**
     * The article's 2x2 beyond its own points (the C1K claims): the quick run takes the two thread
     * models to 1,000 clients (thread-mode-poor-1k reads py-thread there); the fork models only in
     * the full run (py-fork works off 1,000 queued connections at some 30 requests/s, then is
     * restarted: more than the quick step's time), so fork-abandon-c1k is judged by --full.
     */
    static final List<Integer> ARTICLE_BEYOND = List.of(1000);
    static final List<Models> QUICK_BEYOND_MODELS = List.of(Models.PY_THREAD, Models.C_THREAD);
    static final List<Models> FULL_BEYOND_MODELS = List.of(Models.PY_THREAD, Models.PY_FORK, Models.C_THREAD, Models.C_FORK);
    /** Threads of the open-loop driver (as many as wrk's). */
    static final int OPEN_LOOP_THREADS = 2;

    /** The first article's concurrency points (its tables, datasets/reference/article-throughput.csv). */
    static final List<Integer> ARTICLE_CONCURRENCY = List.of(1, 2, 3, 4, 10, 50, 100, 200, 500);
    /** The 2x2 with keep-alive: dropped from the quick run (time), the nine points in the full run. */
    static final List<Integer> QUICK_ARTICLE_KEEP_ALIVE = List.of();
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
            if (articleBeyondModels.contains(model)) articleCloseBeyond.forEach(c -> loads.add(new Load(c, false)));
            articleKeepAlive.forEach(c -> loads.add(new Load(c, true)));
        } else if (keepAliveModels.contains(model)) {
            concurrency.forEach(c -> loads.add(new Load(c, true)));
            closeConcurrency.forEach(c -> loads.add(new Load(c, false)));
        }
        return loads;
    }

    /** The models with points in a repetition (the others are started for the memory step only). */
    List<Models> swept() {
        return models.stream().filter(m -> !loads(m).isEmpty()).toList();
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
