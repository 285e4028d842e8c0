package io.contextlab.tracing;

import io.contextlab.tracing.libbpf.Pinned;
import io.contextlab.tracing.probes.Context;
import io.contextlab.tracing.probes.TracingSupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The context tier loaded once per `lab run` instead of once per JMH fork. A quick run starts
 * several hundred forks; each one opening context.bpf.o (libbpf parsing the kernel's BTF) and
 * loading it (the verifier) cost a fork more than anything else the profiler does. So the run's
 * host loads it once ({@link #forRun()}) and pins its programs and maps in bpffs under
 * {@code contextlab-<host pid>-<host start ms>}; a fork whose parent is that host opens them by
 * path ({@link #context}), writes its own tgid, and attaches and detaches per measurement
 * iteration as before. Pinned, nothing runs: a program runs only while a fork holds a link.
 *
 * <p>The directory is found from the fork's parent process, not passed on the fork's command
 * line, so no run-specific value reaches the jvmArgs JMH records; the start time in its name
 * keeps a reused pid from finding another host's pins. Without a pinning host (lab bench
 * --trace, a plain JMH command line) or for the detail tier the fork loads the object itself:
 * the same object, the same counters. The host removes its directory when the run ends, on
 * failure, and at exit; a run that starts removes the directories of hosts that are gone.
 */
public final class ContextPins implements AutoCloseable {
    /** Where bpffs lives by convention. */
    static final Path BPFFS = Path.of("/sys/fs/bpf");
    private static final String PREFIX = "contextlab-";
    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-(\\d+)");

    private final Path dir;
    private final Thread atExit;

    private ContextPins(Path dir) {
        this.dir = dir;
        this.atExit = dir == null ? null : new Thread(() -> remove(dir), "contextlab-unpin");
        if (atExit != null) Runtime.getRuntime().addShutdownHook(atExit);
    }

    /**
     * In the run's host, before its first fork: removes stale pin directories, loads the context
     * tier and pins it for this process's forks. Where tracing is impossible, or the pinning
     * fails (one line says why), nothing is pinned and each fork loads the tier itself.
     */
    public static ContextPins forRun() {
        if (TracingSupport.unavailableReason() != null) return new ContextPins(null);
        try {
            return new ContextPins(pin(BPFFS, ProcessHandle.current()));
        } catch (RuntimeException e) {
            System.out.println("ContextPins: the context tier is loaded in each fork instead of once (" + e.getMessage() + ")");
            return new ContextPins(null);
        }
    }

    /** Pins the context tier under {@code bpffs} for the forks of {@code host}; returns the directory. */
    static Path pin(Path bpffs, ProcessHandle host) {
        if (bpffs.equals(BPFFS) && !isBpffs(bpffs)) Pinned.mountBpffs(bpffs);
        removeStale(bpffs);
        Path dir = dirOf(bpffs, host).orElseThrow(() -> new IllegalStateException("this process's start time is unknown"));
        try {
            remove(dir);
            Files.createDirectory(dir);
            Context.pin(dir);
            return dir;
        } catch (IOException e) {
            remove(dir);
            throw new UncheckedIOException("cannot make " + dir, e);
        } catch (RuntimeException e) {
            remove(dir);
            throw e;
        }
    }

    /** The pin directory, or null when nothing was pinned. */
    public Path dir() {
        return dir;
    }

    /** Removes the pins (the programs go when the last fd of them closes). */
    @Override
    public void close() {
        if (dir == null) return;
        remove(dir);
        try {
            Runtime.getRuntime().removeShutdownHook(atExit);
        } catch (IllegalStateException e) {
            // already exiting: the hook removes nothing more
        }
    }

    /**
     * The context tier for this fork: opened from its parent's pins when there are pins, else
     * loaded here (also when the pins cannot be opened).
     */
    static Context context(int targetTgid, long periodNs) {
        Optional<Path> pinned = ProcessHandle.current().parent().flatMap(parent -> dirOf(BPFFS, parent)).filter(Files::isDirectory);
        if (pinned.isPresent()) {
            try {
                return Context.openPinned(pinned.get(), targetTgid, periodNs);
            } catch (RuntimeException e) {
                // a half-removed or foreign directory: load the tier here instead
            }
        }
        return new Context(targetTgid, periodNs);
    }

    /** bpffs/contextlab-<pid>-<start ms> of a process, empty when its start time is unknown. */
    static Optional<Path> dirOf(Path bpffs, ProcessHandle process) {
        return process.info().startInstant().map(start -> bpffs.resolve(PREFIX + process.pid() + "-" + start.toEpochMilli()));
    }

    /** Removes the pin directories under {@code bpffs} whose host process is gone; how many. */
    static int removeStale(Path bpffs) {
        int removed = 0;
        if (!Files.isDirectory(bpffs)) return 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(bpffs, PREFIX + "*")) {
            for (Path dir : dirs) {
                Matcher m = NAME.matcher(dir.getFileName().toString());
                if (!m.matches()) continue;
                Optional<ProcessHandle> host = ProcessHandle.of(Long.parseLong(m.group(1)));
                boolean alive = host.flatMap(h -> dirOf(bpffs, h)).map(dir::equals).orElse(false);
                if (!alive) {
                    remove(dir);
                    removed++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + bpffs, e);
        }
        return removed;
    }

    private static void remove(Path dir) {
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> pins = Files.list(dir)) {
            for (Path pin : pins.toList()) Files.deleteIfExists(pin);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            System.out.println("ContextPins: cannot remove " + dir + " (" + e.getMessage() + "): remove it with rm -r");
        }
    }

    private static boolean isBpffs(Path dir) {
        try {
            List<String> mounts = Files.readAllLines(Path.of("/proc/mounts"));
            return mounts.stream().map(line -> line.split(" ")).anyMatch(f -> f.length > 2 && f[1].equals(dir.toString()) && f[2].equals("bpf"));
        } catch (IOException e) {
            return false;
        }
    }
}
