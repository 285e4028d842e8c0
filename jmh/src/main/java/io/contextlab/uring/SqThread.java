package io.contextlab.uring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The CPU time of this process's SQPOLL kernel threads. Since Linux 5.12 the SQ thread is an
 * "io thread" of the process that made the ring: it is listed in /proc/self/task with comm
 * iou-sqp-<pid>, and its schedstat's first field is its time on CPU in nanoseconds.
 */
final class SqThread {
    private SqThread() {}

    /** Nanoseconds on CPU of every iou-sqp thread now (0 when there is none). */
    static long cpuNanos() {
        long total = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    if (!Files.readString(task.resolve("comm")).startsWith("iou-sqp-")) continue;
                    total += Long.parseLong(Files.readString(task.resolve("schedstat")).split(" ")[0]);
                } catch (IOException | NumberFormatException e) {
                    // the task ended between the listing and the read
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return total;
    }
}
