package io.contextlab.lab;

import com.google.gson.annotations.SerializedName;
import io.contextlab.platform.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's metadata.json, {@code contextlab.metadata/2} (datasets/schema/metadata.v2.schema.json):
 * what ran, where, from which commit, with which JMH arguments, and the fate of every suite and
 * step. Written atomically when the run starts, after each suite and when it ends.
 */
public final class RunMetadata {
    public static final String FORMAT = "contextlab.metadata/2";

    public record Git(String commit, Boolean dirty) {}

    public record Jmh(String version, @SerializedName("fork_jvm_flags") List<String> forkJvmFlags,
                      List<SuiteArgs> suites) {}

    /** A suite as this run ran it: the JMH arguments of this mode. */
    public record SuiteArgs(String name, String include, String args) {}

    /**
     * The step ebpf-perturbation's draw: the seed and, per round (1-based in order), the sides
     * (suite names) in the order they ran. Null when the step did not run.
     */
    public record Perturbation(long seed, List<List<String>> rounds) {}

    /**
     * A suite's or step's fate: "measured", "partial" (JMH went on after some benchmarks failed:
     * {@code reason} names them), "failed" or "skipped", with the reason for every one but measured.
     */
    public record SuiteStatus(String status, String reason, String started, String finished, Integer benchmarks) {
        public static SuiteStatus skipped(String reason) {
            return new SuiteStatus("skipped", reason, null, null, null);
        }

        /**
         * The fate of a JMH suite: failed when JMH could not run or measured nothing
         * ({@code failure}, or every benchmark failed); partial when some benchmarks failed and
         * others gave results ({@code failed}: FailureWatch's labels); else measured.
         */
        public static SuiteStatus ofJmh(String failure, List<String> failed, int results, String started, String finished) {
            String which = failed.isEmpty() ? null : failed.size() + (failed.size() == 1 ? " benchmark" : " benchmarks")
                    + " failed (see log): " + String.join("; ", failed);
            if (failure != null) {
                return new SuiteStatus("failed", which == null ? failure : failure + "; " + which, started, finished, null);
            }
            if (which == null) {
                return new SuiteStatus("measured", null, started, finished, results);
            }
            return results == 0 ? new SuiteStatus("failed", which, started, finished, null)
                    : new SuiteStatus("partial", which, started, finished, results);
        }
    }

    private final String format = FORMAT;
    private final String run;
    private final String started;
    private String finished;
    private String status = "running";
    private final String mode;
    private final String command;
    private final Git git;
    private final Map<String, Object> environment;
    private final List<String> warnings;
    private final Jmh jmh;
    private final Map<String, SuiteStatus> suites = new LinkedHashMap<>();
    private Integer benchmarks;
    private Perturbation perturbation;

    public RunMetadata(String run, String mode, String command, Git git, Map<String, Object> environment,
                       List<String> warnings, Jmh jmh) {
        this.run = run;
        this.started = now();
        this.mode = mode;
        this.command = command;
        this.git = git;
        this.environment = environment;
        this.warnings = warnings;
        this.jmh = jmh;
    }

    /** Now in UTC, to the second, as ISO-8601. */
    public static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    public synchronized void suite(String name, SuiteStatus entry) {
        suites.put(name, entry);
    }

    /** Each suite's and step's fate so far, in the order they ran. */
    public synchronized Map<String, SuiteStatus> suites() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(suites));
    }

    /** Records the perturbation step's seed and rounds. */
    public synchronized void perturbation(Perturbation perturbation) {
        this.perturbation = perturbation;
    }

    public synchronized void finish(String status, int benchmarks) {
        this.status = status;
        this.finished = now();
        this.benchmarks = benchmarks;
    }

    public synchronized String status() {
        return status;
    }

    public String run() {
        return run;
    }

    public String mode() {
        return mode;
    }

    public synchronized String toJson() {
        return Json.toJson(this);
    }

    public synchronized void write(Path runDir) throws IOException {
        Json.write(runDir.resolve("metadata.json"), this);
    }
}
