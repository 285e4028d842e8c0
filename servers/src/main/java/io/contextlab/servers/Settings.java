package io.contextlab.servers;

import java.nio.file.Path;
import java.util.List;

/**
 * A sweep's settings, all recorded in servers.json. Quick (the default, part of `lab run`): four
 * concurrency points of 2 s per model after a 1 s warm-up, about two minutes for the eight
 * servers (1 s points were tried: on a loaded machine reading /proc for 1,000 processes
 * outlasted the point). Full ({@code --full}): the twelve points, 1 to 10,000, of 10 s
 * each, after a 5 s warm-up.
 */
record Settings(String mode, List<Models> models, List<Integer> concurrency, double durationSeconds,
                double warmupSeconds, double wrkTimeoutSeconds, long idleTimeoutMillis, int poolWorkers,
                int loops, int basePort, String java, Path jar, Path nativeDir, Path out, Path logDir) {

    static final List<Integer> QUICK_CONCURRENCY = List.of(1, 10, 100, 1000);
    static final List<Integer> FULL_CONCURRENCY = List.of(1, 2, 3, 4, 10, 50, 100, 200, 500, 1000, 5000, 10000);
    /** The concurrency at which the best Java model is compared with nginx. */
    static final int RATIO_CONCURRENCY = 1000;
}
