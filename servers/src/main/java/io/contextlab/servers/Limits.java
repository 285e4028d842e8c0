package io.contextlab.servers;

import io.contextlab.platform.libc.Rlimit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel limits a C10K sweep runs into, as this process sees them. The driver raises its soft
 * RLIMIT_NOFILE to the hard limit when it starts ({@link #raiseOpenFiles}; HotSpot's
 * -XX:+MaxFDLimit does the same on Linux unless turned off), and wrk and the servers, started
 * from it, inherit that; the hard limit itself needs root.
 */
final class Limits {
    private Limits() {}

    /** Raises the soft RLIMIT_NOFILE of this process to the hard one; returns the soft limit now. */
    static long raiseOpenFiles() {
        return unlimitedAsMax(Rlimit.raiseFdLimitToHard());
    }

    static long openFilesSoft() {
        return unlimitedAsMax(Rlimit.fdLimit()[0]);
    }

    static long openFilesHard() {
        return unlimitedAsMax(Rlimit.fdLimit()[1]);
    }

    /** RLIM_INFINITY (all bits set: -1 as a Java long) reads as Long.MAX_VALUE, as "unlimited" did. */
    private static long unlimitedAsMax(long limit) {
        return limit < 0 ? Long.MAX_VALUE : limit;
    }

    /** {tasks that exist now, kernel.pid_max, kernel.threads-max}. */
    static long[] tasks() {
        long existing = 0;
        String[] load = loadavg().split("\\s+");
        if (load.length > 3 && load[3].contains("/")) {
            existing = Long.parseLong(load[3].substring(load[3].indexOf('/') + 1));
        }
        return new long[] {existing, parse(sysctl("kernel/pid_max")), parse(sysctl("kernel/threads-max"))};
    }

    static String sysctl(String path) {
        return read(Path.of("/proc/sys", path));
    }

    static String loadavg() {
        return read(Path.of("/proc/loadavg"));
    }

    private static long parse(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;          // "unlimited"
        }
    }

    /**
     * Reads a /proc file through a stream: Files.readString on a sysctl file (st_size 0) returned
     * "3" for kernel/pid_max on JDK 25 here, so the size-guided readers are not used for /proc.
     */
    private static String read(Path p) {
        try (var in = Files.newInputStream(p)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
