package io.contextlab.lab;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;

/**
 * An ahead-of-time class cache (JDK 25's AOT cache, JEPs 483 and 514) for the JMH forks: a quick
 * run starts several hundred forks, and each spent about a third of a second loading and linking
 * the same classes (JMH's, the profilers', the FFM bindings' method handles) before its first
 * iteration. With the cache the fork maps them instead.
 *
 * <p>What it does not change: the benchmark's code and what the JIT makes of it. The cache is
 * made with {@code -XX:-AOTRecordTraining}, so it holds loaded and linked classes only, no method
 * profiles from the training fork: a fork's JIT profiles only its own benchmark, as JMH's forks
 * are meant to. A fork whose own flags the cache does not fit (another heap size, say) starts
 * without it, as the JVM decides; nothing else differs.
 *
 * <p>The cache sits beside benchmarks.jar, named for the JVM that made it
 * ({@code benchmarks-<java.runtime.version>.aot}), and is stale when older than the jar: `lab run`
 * makes it first when it is missing or stale (one short training fork of {@link #TRAINING}, a few
 * seconds), and every fork started through {@link BenchMain#forks} uses it when it is fresh.
 * Running from classes rather than the jar (the tests), there is no cache.
 */
public final class AotCache {
    /** The training fork's benchmark: JMH's fork machinery, the libc binding, both profilers. */
    static final String TRAINING = "io.contextlab.syscalls.SyscallLoops.getppid";
    private static final String TRAINING_ARGS = "-f 1 -wi 1 -w 100ms -i 1 -r 100ms";

    private AotCache() {}

    /** benchmarks.jar when this class runs from it; empty otherwise. */
    static Optional<Path> jar() {
        try {
            Path p = Path.of(AotCache.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jar") ? Optional.of(p) : Optional.empty();
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return Optional.empty();
        }
    }

    /** Where the cache of {@code jar} for this JVM lives. */
    static Path cacheOf(Path jar) {
        String version = System.getProperty("java.runtime.version", "unknown").replaceAll("[^A-Za-z0-9.+_-]", "_");
        String name = jar.getFileName().toString().replaceFirst("\\.jar$", "");
        return jar.resolveSibling(name + "-" + version + ".aot");
    }

    /** True when {@code cache} exists and is not older than {@code jar}. */
    static boolean fresh(Path cache, Path jar) {
        try {
            return Files.isRegularFile(cache) && Files.size(cache) > 0
                    && Files.getLastModifiedTime(cache).compareTo(Files.getLastModifiedTime(jar)) >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The forks' flag naming a fresh cache (relative to the working directory, which forks
     * share, so no path of this machine reaches the results' recorded jvmArgs); empty when there
     * is none.
     */
    public static List<String> forkFlags() {
        return jar().filter(jar -> fresh(cacheOf(jar), jar))
                .map(jar -> List.of("-XX:AOTCache=" + Lab.fromWorkingDirectory(cacheOf(jar)))).orElse(List.of());
    }

    /**
     * Makes the cache when it is missing or stale: one training fork (its console into
     * {@code log}), the cache written beside and moved into place. A failure says so in one line
     * and the run goes on without a cache.
     */
    static void ensure(String profilerArgs, PrintStream log) {
        Optional<Path> jar = jar();
        if (jar.isEmpty()) return;
        Path cache = cacheOf(jar.get());
        if (fresh(cache, jar.get())) return;
        Path partial = cache.resolveSibling(cache.getFileName() + ".partial");
        long started = System.nanoTime();
        try {
            Files.deleteIfExists(partial);
            String args = (TRAINING_ARGS + " " + profilerArgs).strip();
            ChainedOptionsBuilder builder = BenchMain.forks(new CommandLineOptions(SuiteRegistry.words(args)), List.of(), false);
            Options options = builder.include(SuiteRegistry.exactly(TRAINING))
                    .jvmArgsAppend("-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTRecordTraining", "-Xlog:aot*=error", "-XX:AOTCacheOutput=" + Lab.fromWorkingDirectory(partial))
                    .build();
            Collection<RunResult> got = BenchMain.runReporting(BenchMain.runner(options, log), options);
            if (got == null || got.isEmpty() || !Files.isRegularFile(partial)) {
                Lab.note("no AOT cache for the forks (its training fork failed, see the log): forks start without one");
                return;
            }
            Files.move(partial, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Lab.note(String.format("AOT cache for the forks made in %.1f s: %s", (System.nanoTime() - started) / 1e9, Lab.shown(cache)));
        } catch (Exception e) {
            Lab.note("no AOT cache for the forks (" + e.getMessage() + "): forks start without one");
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // a leftover partial file is overwritten next time
            }
        }
    }
}
