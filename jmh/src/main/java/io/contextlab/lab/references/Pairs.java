package io.contextlab.lab.references;

import io.contextlab.lab.BenchMain;
import io.contextlab.lab.SuiteRegistry;
import io.contextlab.lab.references.CrossCheck.Measured;
import io.contextlab.lab.references.CrossCheck.Outside;
import io.contextlab.lab.references.CrossCheck.Pair;
import io.contextlab.lab.references.CrossCheck.Score;
import io.contextlab.lab.references.CrossCheck.Spec;
import io.contextlab.platform.Json;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Paired, interleaved cross-checks (issue 16): after a suite's main JMH run, a JMH run of each
 * benchmark the reference's checks name, at their params, one fork each, k measurement iterations,
 * and beside each iteration (before or after it, in an order drawn per iteration from a recorded
 * seed) one round of the probes whose checks name that fork's benchmark ({@link PairedProbes},
 * inside the fork). A pair is one iteration and one probe round, under a second apart, in the
 * same fork; each check's ratio is judged over its pairs ({@link CrossCheck#of}).
 *
 * <p>Before it, in the host, one round of every probe (not counted) learns the checks, which
 * probe yields which, and the params to run; the reference's {@link OutsideReference#once} runs
 * after it.
 */
public final class Pairs {
    public static final int DEFAULT_PAIRS = 20;
    /**
     * JMH's settings of the pairs' run, before -i k: one fork, a short warm-up, short iterations
     * (a probe runs between two of them).
     */
    public static final String JMH_ARGS = "-f 1 -wi 1 -w 200ms";
    /** The pairs' shortest measurement iteration. */
    static final long MIN_ITERATION_MS = 50;
    /**
     * The operations a measurement iteration of the pairs should hold at least: an iteration is
     * lengthened, past {@link #MIN_ITERATION_MS}, to this many operations at the main run's score.
     * A probe round averages about a hundred of the dearest operations (spawn_costs's posix_spawn
     * and fork counts), and a 50 ms iteration held only a dozen or so of them: the JMH side's mean,
     * not the reference's, made those pairs the noisiest of the suite.
     */
    static final int MIN_OPS_PER_ITERATION = 100;
    public static final String JMH_FIRST = "jmh-first", REFERENCE_FIRST = "reference-first";

    private Pairs() {}

    /** The order of each of k pairs, drawn from {@code seed}: the same seed, the same orders (a prefix of a longer draw). */
    public static List<String> orders(long seed, int k) {
        Random random = new Random(seed);
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < k; i++) orders.add(random.nextBoolean() ? JMH_FIRST : REFERENCE_FIRST);
        return orders;
    }

    /** The first round: each probe's figures, by probe name, in the reference's order. */
    static Map<String, List<Outside>> learn(OutsideReference reference, ReferenceContext context) {
        Map<String, List<Outside>> learned = new LinkedHashMap<>();
        for (OutsideReference.Probe probe : reference.probes()) {
            context.log().printf("### probe %s (learning its checks)%n", probe.name());
            learned.put(probe.name(), OutsideReference.run(probe, context));
        }
        reference.once(context);
        return learned;
    }

    /** The params a Spec's pairs run at: those of the main run's result it finds (all of them, so JMH runs no other value), else its own. */
    static Map<String, String> params(Spec spec, Collection<Measured> main) {
        return CrossCheck.find(spec, List.copyOf(main)).map(Measured::params).orElse(spec.params());
    }

    /**
     * The measurement iteration of the pairs' run: {@link #MIN_ITERATION_MS}, or long enough for
     * {@link #MIN_OPS_PER_ITERATION} operations of the dearest compared result at its main-run
     * score (a time per operation; other units, or no main result, leave the minimum).
     */
    static long iterationMillis(List<Spec> specs, Collection<Measured> main) {
        double nsPerOp = specs.stream().filter(s -> s.benchmark() != null)
                .map(s -> CrossCheck.find(s, List.copyOf(main)))
                .flatMap(Optional::stream)
                .map(m -> m.metrics().get(CrossCheck.PRIMARY))
                .filter(Objects::nonNull)
                .mapToDouble(score -> nanosPerOp(score)).filter(Double::isFinite).max().orElse(0);
        return Math.max(MIN_ITERATION_MS, (long) Math.ceil(nsPerOp * MIN_OPS_PER_ITERATION / 1e6));
    }

    private static double nanosPerOp(Score score) {
        return switch (score.unit()) {
            case "ns/op" -> score.value();
            case "us/op" -> score.value() * 1e3;
            case "ms/op" -> score.value() * 1e6;
            case "s/op" -> score.value() * 1e9;
            default -> Double.NaN;
        };
    }

    /** Each probe's targets: the benchmark and the params of each check it yielded that names a benchmark. */
    static Map<String, List<PairedProbes.Target>> targets(Map<String, List<Outside>> learned, Collection<Measured> main) {
        Map<String, List<PairedProbes.Target>> targets = new LinkedHashMap<>();
        learned.forEach((probe, outside) -> targets.put(probe, outside.stream().map(Outside::spec)
                .filter(s -> s.benchmark() != null).map(s -> new PairedProbes.Target(s.benchmark(), params(s, main))).distinct().toList()));
        return targets;
    }

    /**
     * The JMH arguments of the pairs' run: {@link #JMH_ARGS}, -i k, one include per benchmark the
     * Specs name (the whole name, anchored), and -p for each param of the compared results.
     */
    public static List<String> jmhArguments(List<Spec> specs, Collection<Measured> main, int k) {
        List<String> args = new ArrayList<>(List.of(SuiteRegistry.words(JMH_ARGS)));
        args.addAll(List.of("-i", Integer.toString(k), "-r", iterationMillis(specs, main) + "ms"));
        Set<String> benchmarks = new LinkedHashSet<>();
        Map<String, Set<String>> params = new LinkedHashMap<>();
        for (Spec spec : specs) {
            if (spec.benchmark() == null) continue;
            benchmarks.add(spec.benchmark());
            params(spec, main).forEach((name, value) -> params.computeIfAbsent(name, x -> new TreeSet<>()).add(value));
        }
        for (String b : benchmarks) args.add(SuiteRegistry.exactly(b));
        params.forEach((name, values) -> {
            args.add("-p");
            args.add(name + "=" + String.join(",", values));
        });
        return args;
    }

    /** The Runner options of the pairs' run (fork flags, FiguresProfiler and PairedProbes with {@code plan}); empty when the Specs name no benchmark. */
    public static Optional<ChainedOptionsBuilder> jmhOptions(List<Spec> specs, Collection<Measured> main, int k, Path plan)
            throws CommandLineOptionException {
        if (specs.stream().allMatch(s -> s.benchmark() == null)) return Optional.empty();
        List<String> args = jmhArguments(specs, main, k);
        return Optional.of(BenchMain.forks(new CommandLineOptions(args.toArray(String[]::new)), List.of())
                .addProfiler(PairedProbes.class, "plan=" + plan.toAbsolutePath()));
    }

    /**
     * How the CLI runs one of the pairs' JMH runs: the options given, {@code name} the benchmark's
     * short name (Class.method, for its result file), its results (null or empty: nothing measured).
     */
    @FunctionalInterface
    public interface Jmh {
        Collection<RunResult> run(ChainedOptionsBuilder options, String name) throws Exception;
    }

    /** One measurement iteration as the join reads it: its metrics (primary and secondary, by label). */
    record Iteration(Map<String, Score> metrics) {}

    /** A JMH result's iterations, fork by fork. */
    record Forks(Map<String, String> params, String benchmark, List<List<Iteration>> forks) {}

    static Forks forks(RunResult r) {
        List<List<Iteration>> forks = r.getBenchmarkResults().stream().map(fork -> fork.getIterationResults().stream()
                .map(ir -> new Iteration(CrossCheck.metrics(ir.getPrimaryResult(), ir.getSecondaryResults()))).toList()).toList();
        return new Forks(CrossCheck.params(r.getParams()), r.getParams().getBenchmark(), forks);
    }

    /**
     * Each learned check, judged over the pairs its JMH result's iterations carry (the i-th
     * measurement iteration of a fork in the i-th order drawn from {@code seed}); a check whose
     * result is missing is not-measured, with its learned figure as the reference.
     */
    static List<CrossCheck> judge(String suite, long seed, Map<String, List<Outside>> learned, List<Forks> results) {
        Map<Spec, CrossCheck.Reference> first = new LinkedHashMap<>();
        learned.values().forEach(outside -> outside.forEach(o -> first.putIfAbsent(o.spec(), o.reference())));
        List<Measured> found = results.stream().map(f -> new Measured(f.benchmark(), f.params(), Map.of())).toList();
        List<CrossCheck> checks = new ArrayList<>();
        for (Map.Entry<Spec, CrossCheck.Reference> e : first.entrySet()) {
            Spec spec = e.getKey();
            Optional<Measured> match = CrossCheck.find(spec, found);
            Optional<Forks> result = match.flatMap(m -> results.stream()
                    .filter(f -> f.benchmark().equals(m.benchmark()) && f.params().equals(m.params())).findFirst());
            List<Pair> pairs = new ArrayList<>();
            result.ifPresent(f -> {
                for (List<Iteration> fork : f.forks()) {
                    List<String> orders = orders(seed, fork.size());
                    for (int i = 0; i < fork.size(); i++) {
                        Map<String, Score> metrics = fork.get(i).metrics();
                        Double jmh = CrossCheck.figure(spec, Optional.of(new Measured(f.benchmark(), f.params(), metrics)));
                        Score ref = metrics.get(PairedProbes.LABEL + spec.check());
                        Double reference = ref == null || !Double.isFinite(ref.value()) ? null : ref.value();
                        pairs.add(new Pair(orders.get(i), jmh, reference, CrossCheck.ratio(jmh, reference)));
                    }
                }
            });
            Map<String, String> params = result.map(Forks::params).orElse(spec.params());
            checks.add(CrossCheck.of(suite, spec, e.getValue(), params, seed, pairs));
        }
        return checks;
    }

    /**
     * The suite's paired checks: the learning round in the host, then the pairs' JMH run
     * ({@code jmh}) with k measurement iterations per fork, each beside a probe round in the
     * order drawn from {@code seed}; each failure in one line on the console and in references.log.
     */
    public static List<CrossCheck> run(String suite, String referenceName, ReferenceContext context, int k, long seed, Jmh jmh)
            throws Exception {
        OutsideReference reference = PairedProbes.reference(referenceName);
        List<Measured> main = context.results().stream().map(CrossCheck::measured).toList();
        Map<String, List<Outside>> learned = learn(reference, context);
        List<Spec> specs = learned.values().stream().flatMap(List::stream).map(Outside::spec).distinct().toList();
        List<Forks> results = new ArrayList<>();
        Path plan = Files.createTempFile("contextlab-pairs-" + suite + "-", ".json");
        try {
            Json.write(plan, new PairedProbes.Plan(referenceName, context.labRoot().toAbsolutePath().toString(),
                    context.runDir().toAbsolutePath().toString(),
                    context.runDir().resolve("references.log").toAbsolutePath().toString(), seed, targets(learned, main)));
            // one JMH run per benchmark, at its own checks' params: in one run, JMH would run every
            // benchmark at the cross product of all their params, forks no probe is paired with
            // (k = 0: no run, the learned checks alone, not measured)
            Map<String, List<Spec>> byBenchmark = new LinkedHashMap<>();
            specs.stream().filter(s -> k > 0 && s.benchmark() != null)
                    .forEach(s -> byBenchmark.computeIfAbsent(s.benchmark(), b -> new ArrayList<>()).add(s));
            for (Map.Entry<String, List<Spec>> e : byBenchmark.entrySet()) {
                String name = e.getKey().replaceFirst("^.*\\.([^.]+\\.[^.]+)$", "$1");
                try {
                    Optional<ChainedOptionsBuilder> options = jmhOptions(e.getValue(), main, k, plan);
                    if (options.isEmpty()) continue;
                    context.log().println("### the pairs' JMH: " + String.join(" ", jmhArguments(e.getValue(), main, k)));
                    Collection<RunResult> got = jmh.run(options.get(), name);
                    if (got == null || got.isEmpty()) context.say(suite, "the pairs' JMH run of " + name + " measured nothing: its checks not-measured");
                    else got.stream().map(Pairs::forks).forEach(results::add);
                } catch (CommandLineOptionException ex) {
                    context.say(suite, "cannot build the pairs' JMH options for " + name + " (" + ex.getMessage() + "): its checks not-measured");
                }
            }
        } finally {
            Files.deleteIfExists(plan);
        }
        return judge(suite, seed, learned, results);
    }
}
