package io.contextlab.lab;

import com.google.gson.JsonParseException;
import com.google.gson.annotations.SerializedName;
import io.contextlab.platform.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The suite registry, {@code suites.json} at the repository root ({@code contextlab.suites/1},
 * datasets/schema/suites.v1.schema.json): the JMH suites a run runs, in order, each with its
 * quick and full JMH arguments, and the extra steps after them. {@code LAB_SUITES_FILE} points
 * elsewhere (tests).
 */
public record SuiteRegistry(String format, String about, @SerializedName("claim_forks") Integer claimForks,
                            List<Suite> suites, List<Step> steps) {
    public static final String FORMAT = "contextlab.suites/1";

    /**
     * A JMH suite: the benchmarks matching {@code include}, run with {@code quick} or {@code full};
     * {@code claimBenchmarks} ("Class.method" in the suite's package) are the ones a claim reads,
     * which a quick run gives {@link #claimForks} forks.
     */
    public record Suite(String name, @SerializedName("package") String packageName, String include,
                        String quick, String full, String reference, String notebook,
                        List<String> claims, @SerializedName("claim_benchmarks") List<String> claimBenchmarks,
                        @SerializedName("disturbed_by_design") List<String> disturbedByDesign, String about) {
        public String args(boolean fullMode) {
            return fullMode ? full : quick;
        }

        /** Whether a benchmark (its whole name) is one whose own design disturbs it: its class or Class.method is listed. */
        public boolean disturbedByDesign(String benchmark) {
            if (disturbedByDesign == null) return false;
            String own = benchmark.startsWith(packageName + ".") ? benchmark.substring(packageName.length() + 1) : benchmark;
            String cls = own.contains(".") ? own.substring(0, own.lastIndexOf('.')) : own;
            return disturbedByDesign.contains(own) || disturbedByDesign.contains(cls);
        }

        /** The JMH regex matching exactly the claim-bearing benchmarks (whole names), or null when there are none. */
        public String claimInclude() {
            if (claimBenchmarks == null || claimBenchmarks.isEmpty()) return null;
            return claimBenchmarks.stream().map(b -> exactly(packageName + "." + b))
                    .collect(java.util.stream.Collectors.joining("|"));
        }
    }

    /** A step after the suites; one that runs JMH itself also has include and quick/full arguments. */
    public record Step(String name, String notebook, List<String> claims, String include,
                       String quick, String full, String about) {
        public String args(boolean fullMode) {
            return fullMode ? full : quick;
        }
    }

    /** The registry this checkout uses: $LAB_SUITES_FILE, else suites.json under {@code root}. */
    public static SuiteRegistry load(Path root) {
        String override = System.getenv("LAB_SUITES_FILE");
        return read(override != null && !override.isBlank() ? Path.of(override) : root.resolve("suites.json"));
    }

    public static SuiteRegistry read(Path file) {
        SuiteRegistry registry;
        try {
            registry = Json.GSON.fromJson(Files.readString(file), SuiteRegistry.class);
        } catch (NoSuchFileException e) {
            throw new LabException("no suite registry at " + file + " (LAB_SUITES_FILE or suites.json at the repository root)");
        } catch (IOException | JsonParseException e) {
            throw new LabException("cannot read the suite registry " + file + ": " + e.getMessage());
        }
        if (registry == null || !FORMAT.equals(registry.format())) {
            throw new LabException(file + " is not a suite registry of format " + FORMAT
                    + " (found " + (registry == null ? "nothing" : registry.format()) + ")");
        }
        if (registry.claimForks != null && registry.claimForks < 1) {
            throw new LabException(file + ": claim_forks must be at least 1 (found " + registry.claimForks + ")");
        }
        return new SuiteRegistry(registry.format, registry.about, registry.claimForks,
                listOrEmpty(registry.suites), listOrEmpty(registry.steps));
    }

    private static <T> List<T> listOrEmpty(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }

    public Optional<Suite> suite(String name) {
        return suites.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public Optional<Step> step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Every selectable name: the suites, then the steps. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        suites.forEach(s -> names.add(s.name()));
        steps.forEach(s -> names.add(s.name()));
        return names;
    }

    /** The JMH include regex that matches this one benchmark (its whole name) and nothing else. */
    public static String exactly(String benchmark) {
        return "^" + benchmark.replace(".", "\\.") + "$";
    }

    /** JMH arguments as words (the registry spells them as one line, split on spaces). */
    public static String[] words(String args) {
        return args == null ? new String[0]
                : Arrays.stream(args.trim().split("\\s+")).filter(w -> !w.isEmpty()).toArray(String[]::new);
    }
}
