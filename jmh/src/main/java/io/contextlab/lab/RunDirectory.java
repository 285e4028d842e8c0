package io.contextlab.lab;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.contextlab.platform.Json;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * One run directory: opened as {@code .incomplete-<UTC>-<host><suffix>} under the runs folder,
 * renamed to {@code <UTC>-<host><suffix>} when the run ends — also on Ctrl-C or SIGTERM (a shutdown
 * hook marks it interrupted), so a run is never left half-named and nothing written is lost.
 * Holds the metadata, the log (the console's copy) and JMH's per-suite files, merged into
 * jmh.json at the end.
 */
public final class RunDirectory {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private final Path tmp;
    private final Path target;
    private final RunMetadata metadata;
    private final PrintStream log;
    private final Thread hook = new Thread(this::interrupted, "lab-run-interrupted");
    private Path closed;

    private RunDirectory(Path tmp, Path target, RunMetadata metadata) throws IOException {
        this.tmp = tmp;
        this.target = target;
        this.metadata = metadata;
        this.log = new PrintStream(new FileOutputStream(tmp.resolve("log").toFile(), true), true, StandardCharsets.UTF_8);
    }

    /**
     * Opens a new run directory under {@code runsDir} and writes the start of its metadata, made
     * by {@code metadata} from the directory's final name.
     */
    public static RunDirectory open(Path runsDir, String suffix, Function<String, RunMetadata> metadata) throws IOException {
        String name = ZonedDateTime.now(ZoneOffset.UTC).format(STAMP) + "-" + Lab.host() + suffix;
        Path target = runsDir.resolve(name);
        Path tmp = runsDir.resolve(".incomplete-" + name);
        if (Files.exists(target) || Files.exists(tmp)) {
            throw new LabException(target + " exists already; not overwriting it");
        }
        Files.createDirectories(tmp);
        RunDirectory run = new RunDirectory(tmp, target, metadata.apply(name));
        run.metadata.write(tmp);
        return run;
    }

    /** Where files go while the run lasts. */
    public Path dir() {
        return tmp;
    }

    /** The name the directory will have. */
    public Path target() {
        return target;
    }

    public RunMetadata metadata() {
        return metadata;
    }

    /** The run's log file, RUN/log. */
    public PrintStream log() {
        return log;
    }

    /** The console and the log at once. */
    public PrintStream console() {
        return new PrintStream(new Tee(System.out, log), true, StandardCharsets.UTF_8);
    }

    /** Records a suite's or step's fate and rewrites metadata.json. */
    public void suite(String name, RunMetadata.SuiteStatus status) {
        metadata.suite(name, status);
        try {
            synchronized (this) {
                if (closed == null) {
                    metadata.write(tmp);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Until {@link #finish}, Ctrl-C and SIGTERM close the run as interrupted. */
    public RunDirectory closeOnExit() {
        Runtime.getRuntime().addShutdownHook(hook);
        return this;
    }

    /** What the shutdown hook does: ends the children (JMH's fork, a driver) and closes the run as interrupted. */
    void interrupted() {
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroy);
        try {
            finish("interrupted");
        } catch (IOException | RuntimeException e) {
            System.err.println("lab: could not close the interrupted run " + tmp + ": " + e.getMessage());
        }
    }

    /**
     * Merges jmh/*.json into jmh.json, closes the metadata with {@code status} and renames the
     * directory; returns its final path. Only the first call acts.
     */
    public synchronized Path finish(String status) throws IOException {
        if (closed != null) {
            return closed;
        }
        int results = mergeJmh(tmp);
        metadata.finish(status, results);
        metadata.write(tmp);
        log.flush();
        Files.move(tmp, target);
        closed = target;
        if (Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // shutting down already, or never installed
            }
        }
        log.close();
        return target;
    }

    /**
     * Merges the per-suite files JMH wrote, RUN/jmh/<suite>.json, into RUN/jmh.json, adding
     * {@code "suite": "<suite>"} to each result and keeping the rest as JMH wrote it; the merged
     * files and the jmh/ folder are removed (a file that does not parse is kept and named on
     * stderr). Returns the number of results.
     */
    public static int mergeJmh(Path runDir) throws IOException {
        Path jmhDir = runDir.resolve("jmh");
        JsonArray merged = new JsonArray();
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(jmhDir)) {
            try (Stream<Path> list = Files.list(jmhDir)) {
                list.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().forEach(files::add);
            }
        }
        for (Path file : files) {
            String suite = file.getFileName().toString().replaceFirst("\\.json$", "");
            JsonArray results;
            try {
                results = JsonParser.parseString(Files.readString(file)).getAsJsonArray();
            } catch (JsonParseException | IllegalStateException e) {
                System.err.println("lab: " + file + " is not JMH's JSON (" + e.getMessage() + "); kept as it is");
                continue;
            }
            for (JsonElement result : results) {
                result.getAsJsonObject().addProperty("suite", suite);
                merged.add(result);
            }
            Files.delete(file);
        }
        if (Files.isDirectory(jmhDir)) {
            try (Stream<Path> rest = Files.list(jmhDir)) {
                if (rest.findAny().isEmpty()) {
                    Files.delete(jmhDir);
                }
            }
        }
        Json.write(runDir.resolve("jmh.json"), merged);
        return merged.size();
    }

    /** Writes to two streams at once. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }
}
