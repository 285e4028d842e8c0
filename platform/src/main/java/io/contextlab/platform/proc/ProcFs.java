package io.contextlab.platform.proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The one reader of /proc: a process's stat line, the "Key: N" and "Key: N kB" lines of its
 * status and smaps_rollup, its effective capabilities and its open descriptors.
 *
 * <p>Reading another process (a pid) is lenient: it may exit while it is read, so a pid's stat is
 * empty and its fields are an empty map when it is gone. Reading this process ("self") is strict:
 * a failure means /proc is missing and throws, saying so.
 */
public final class ProcFs {
    public static final int CAP_SYS_ADMIN = 21;
    public static final int CAP_PERFMON = 38;
    public static final int CAP_BPF = 39;

    private static final Path PROC = Path.of("/proc");
    private static final Path SELF = PROC.resolve("self");

    private ProcFs() {}

    /**
     * The fields of /proc/<pid>/stat this project reads (proc(5) numbering in the comments);
     * times in clock ticks, vsize in bytes, rss in pages, processor the CPU it last ran on (-1 when
     * the line stops short of it).
     */
    public record Stat(String comm, char state, long ppid, long minflt, long majflt, long utime, long stime,
                       long cutime, long cstime, int numThreads, long vsize, long rssPages, int processor) {
        /** Parses a stat line; comm may hold spaces and parentheses, so fields count from its last ')'. */
        public static Stat parse(String line) {
            int open = line.indexOf('(');
            int close = line.lastIndexOf(')');
            if (open < 0 || close < open) throw new IllegalArgumentException("not a /proc stat line: " + line);
            String[] f = line.substring(close + 2).trim().split(" ");   // f[0] is field 3 (state)
            if (f.length < 22) throw new IllegalArgumentException("short /proc stat line: " + line);
            return new Stat(line.substring(open + 1, close), f[0].charAt(0),
                    Long.parseLong(f[1]),                              // (4) ppid
                    Long.parseLong(f[7]), Long.parseLong(f[9]),        // (10) minflt, (12) majflt
                    Long.parseLong(f[11]), Long.parseLong(f[12]),      // (14) utime, (15) stime
                    Long.parseLong(f[13]), Long.parseLong(f[14]),      // (16) cutime, (17) cstime
                    Integer.parseInt(f[17]),                           // (20) num_threads
                    Long.parseLong(f[20]), Long.parseLong(f[21]),      // (23) vsize, (24) rss
                    f.length > 36 ? Integer.parseInt(f[36]) : -1);     // (39) processor
        }
    }

    // ---- this process -----------------------------------------------------------------------

    /** /proc/self/stat. */
    public static Stat stat() {
        return Stat.parse(readSelf("stat"));
    }

    /** The numeric lines of /proc/self/status (VmRSS, VmSize, Threads, ...): kB fields in KiB. */
    public static Map<String, Long> status() {
        return fields(readSelf("status"));
    }

    /** The lines of /proc/self/smaps_rollup (Rss, Pss, ...), in KiB. */
    public static Map<String, Long> smapsRollup() {
        return fields(readSelf("smaps_rollup"));
    }

    /** CapEff of /proc/self/status: the effective capability bits. */
    public static long capEff() {
        for (String line : readSelf("status").split("\n")) {
            if (line.startsWith("CapEff:")) return Long.parseUnsignedLong(line.substring(7).trim(), 16);
        }
        throw new IllegalStateException("/proc/self/status has no CapEff line");
    }

    /** Whether this process holds capability {@code cap} (CAP_SYS_ADMIN, CAP_PERFMON, CAP_BPF, ...). */
    public static boolean hasCapability(int cap) {
        return (capEff() & (1L << cap)) != 0;
    }

    /** File descriptors this process has open now. */
    public static int openFds() {
        try (Stream<Path> fds = Files.list(SELF.resolve("fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- another process (lenient: it may be gone) ------------------------------------------

    /** /proc/<pid>. */
    public static Path dir(long pid) {
        return PROC.resolve(Long.toString(pid));
    }

    /** /proc/<pid>/stat, or empty if the process is gone. */
    public static Optional<Stat> stat(long pid) {
        String text = read(dir(pid).resolve("stat"));
        if (text.isEmpty()) return Optional.empty();
        try {
            return Optional.of(Stat.parse(text));
        } catch (RuntimeException torn) {
            return Optional.empty();
        }
    }

    /** The stat of each thread of this process, by tid ({@link #stat(long)}: /proc/TID/stat; threads that end meanwhile are left out). */
    public static Map<Long, Stat> threads() {
        Map<Long, Stat> out = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(SELF.resolve("task"))) {
            tasks.map(task -> Long.parseLong(task.getFileName().toString()))
                    .forEach(tid -> stat(tid).ifPresent(stat -> out.put(tid, stat)));
        } catch (IOException e) {
            // the process's own task directory cannot be listed: no threads to report
        }
        return out;
    }

    /** The numeric lines of /proc/<pid>/status; empty if the process is gone. */
    public static Map<String, Long> status(long pid) {
        return fields(dir(pid).resolve("status"));
    }

    /** The lines of /proc/<pid>/smaps_rollup, in KiB; empty if the process is gone. */
    public static Map<String, Long> smapsRollup(long pid) {
        return fields(dir(pid).resolve("smaps_rollup"));
    }

    /** The numeric "Key: N" / "Key: N kB" lines of any /proc file (a task's status, say); empty if it is gone. */
    public static Map<String, Long> fields(Path file) {
        return fields(read(file));
    }

    // ---- parsing ----------------------------------------------------------------------------

    /**
     * "Key:   123 kB" lines as key → 123 (kB values stay in KiB; the caller knows which keys are
     * sizes). Lines whose first word after the colon is not a decimal number (Name, State,
     * CapEff's hex, lists) are left out.
     */
    public static Map<String, Long> fields(String text) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) continue;
            String rest = line.substring(colon + 1).trim();
            int sp = rest.indexOf(' ');
            String word = sp < 0 ? rest : rest.substring(0, sp);
            if (word.isEmpty() || !word.chars().allMatch(Character::isDigit)) continue;
            try {
                out.putIfAbsent(line.substring(0, colon), Long.parseLong(word));
            } catch (NumberFormatException tooLong) {
                // not a count this project reads
            }
        }
        return out;
    }

    private static String readSelf(String name) {
        Path file = SELF.resolve(name);
        try {
            return readFully(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (is this Linux with /proc mounted?)", e);
        }
    }

    private static String read(Path file) {
        try {
            return readFully(file);
        } catch (IOException | RuntimeException gone) {
            return "";
        }
    }

    /**
     * Through a stream to the end, not Files.readString: /proc files report a size of 0, and the
     * size-guided readers then read one byte and ask again at an offset, which some /proc files
     * (sysctls) answer with end of file.
     */
    private static String readFully(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
