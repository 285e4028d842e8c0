package io.contextlab.lab.env;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Child processes bounded by a timeout: the tool versions of `lab doctor` and the outside
 * references' C programs and perf runs. A child that overruns is killed with its descendants; a
 * program that cannot start is an empty answer, never an exception.
 */
public final class Commands {
    private Commands() {}

    /** What a child said: its exit status (-1 when killed at the timeout), stdout and stderr. */
    public record Output(int exit, boolean timedOut, String stdout, String stderr) {
        public boolean ok() {
            return !timedOut && exit == 0;
        }

        /** The first line of stdout, or of stderr when stdout is empty; null when both are. */
        public String firstLine() {
            String text = stdout.isBlank() ? stderr : stdout;
            return text.strip().lines().findFirst().orElse(null);
        }
    }

    /** Runs {@code command}; empty when it could not start (not installed, not executable). */
    public static Optional<Output> run(Duration timeout, List<String> command) {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            return Optional.empty();
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            return Optional.of(new Output(finished ? p.exitValue() : -1, !finished,
                    out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS)));
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return Optional.of(new Output(-1, true, "", String.valueOf(e.getMessage())));
        }
    }

    /** The first line a tool prints when asked for its version, or null when it is absent or fails. */
    public static String version(String... command) {
        return run(Duration.ofSeconds(10), List.of(command)).filter(Output::ok).map(Output::firstLine).orElse(null);
    }

    /** The executable called {@code name} on PATH, as a shell would find it. */
    public static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (in) {
                text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.completeExceptionally(new UncheckedIOException(e));
            }
        });
        return text;
    }
}
