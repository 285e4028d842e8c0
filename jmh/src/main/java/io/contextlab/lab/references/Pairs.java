package io.contextlab.lab.references;

import io.contextlab.lab.BenchMain;
import io.contextlab.lab.SuiteRegistry;
import io.contextlab.lab.references.CrossCheck.Measured;
import io.contextlab.lab.references.CrossCheck.Outside;
import io.contextlab.lab.references.CrossCheck.Pair;
import io.contextlab.lab.references.CrossCheck.Spec;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Paired, interleaved cross-checks (issue 16): after a suite's main JMH run, k pairs, each one
 * round of the suite's outside reference ({@link OutsideReference#measure}) and one short JMH run
 * of only the benchmarks and params its Specs name, the two in an order drawn per pair from a
 * seed (recorded). Both sides of a pair run within seconds of each other, so a machine that moves
 * between minutes moves both; each check's ratio is then judged over the pairs
 * ({@link CrossCheck#of}).
 *
 * <p>The JMH side needs the Specs, which the reference gives: when the first pair puts JMH
 * first, one round of the reference runs before the pairs (not counted) to learn them.
 */
public final class Pairs {
    public static final int DEFAULT_PAIRS = 5;
    /** JMH's settings for one pair's run: one fork, short iterations (JMH command-line syntax). */
    public static final String JMH_ARGS = "-f 1 -wi 1 -w 100ms -i 1 -r 100ms";
    public static final String JMH_FIRST = "jmh-first", REFERENCE_FIRST = "reference-first";

    private Pairs() {}

    /** One side of a pair: a round of it; an exception is that side's failure in this pair only. */
    @FunctionalInterface
    public interface Side<T> {
        T round(int pair) throws Exception;
    }

    /** One pair as run: its order, the reference's figures, the JMH results. */
    record Round(String order, List<Outside> outside, List<Measured> measured) {}

    /** The order of each of k pairs, drawn from {@code seed}: the same seed, the same orders. */
    public static List<String> orders(long seed, int k) {
        Random random = new Random(seed);
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < k; i++) orders.add(random.nextBoolean() ? JMH_FIRST : REFERENCE_FIRST);
        return orders;
    }

    /**
     * k pairs of {@code reference} and the JMH side {@code jmhFor} builds from the Specs, each in
     * its order; {@code failed} hears each side's failure (the pair keeps the other side).
     */
    static List<Round> interleave(int k, long seed, Side<List<Outside>> reference,
                                  Function<List<Spec>, Side<List<Measured>>> jmhFor,
                                  java.util.function.Consumer<String> failed) {
        List<String> orders = orders(seed, k);
        List<Spec> specs = null;
        Side<List<Measured>> jmh = null;
        if (k > 0 && orders.getFirst().equals(JMH_FIRST)) {
            specs = specs(attempt(reference, 0, "reference (learning its checks)", failed));
            jmh = jmhFor.apply(specs);
        }
        List<Round> rounds = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            int pair = i + 1;
            List<Outside> outside;
            List<Measured> measured;
            if (orders.get(i).equals(JMH_FIRST)) {
                measured = jmh == null ? List.of() : attempt(jmh, pair, "JMH", failed);
                outside = attempt(reference, pair, "reference", failed);
            } else {
                outside = attempt(reference, pair, "reference", failed);
                if (jmh == null && !outside.isEmpty()) {
                    specs = specs(outside);
                    jmh = jmhFor.apply(specs);
                }
                measured = jmh == null ? List.of() : attempt(jmh, pair, "JMH", failed);
            }
            rounds.add(new Round(orders.get(i), outside, measured));
        }
        return rounds;
    }

    private static <T> List<T> attempt(Side<List<T>> side, int pair, String what, java.util.function.Consumer<String> failed) {
        try {
            List<T> got = side.round(pair);
            return got == null ? List.of() : got;
        } catch (Exception e) {
            failed.accept("pair " + pair + ": the " + what + " side failed: " + e);
            return List.of();
        }
    }

    private static List<Spec> specs(List<Outside> outside) {
        return outside.stream().map(Outside::spec).distinct().toList();
    }

    /** Each check the rounds saw (in the order first seen), judged over its pairs. */
    static List<CrossCheck> judge(String suite, long seed, List<Round> rounds) {
        Map<Spec, CrossCheck.Reference> first = new LinkedHashMap<>();
        for (Round r : rounds) {
            for (Outside o : r.outside()) first.putIfAbsent(o.spec(), o.reference());
        }
        List<CrossCheck> checks = new ArrayList<>();
        for (Map.Entry<Spec, CrossCheck.Reference> e : first.entrySet()) {
            Spec spec = e.getKey();
            Map<String, String> params = null;
            List<Pair> pairs = new ArrayList<>();
            for (Round r : rounds) {
                Double ref = r.outside().stream().filter(o -> o.spec().equals(spec)).findFirst()
                        .map(o -> o.reference().value()).orElse(null);
                Optional<Measured> found = CrossCheck.find(spec, r.measured());
                Double jmh = CrossCheck.figure(spec, found);
                if (params == null && found.isPresent()) params = found.get().params();
                pairs.add(new Pair(r.order(), jmh, ref, CrossCheck.ratio(jmh, ref)));
            }
            checks.add(CrossCheck.of(suite, spec, e.getValue(), params == null ? spec.params() : params, seed, pairs));
        }
        return checks;
    }

    /**
     * The JMH arguments of a pair's run: {@link #JMH_ARGS}, one include per benchmark the Specs
     * name (the whole name, anchored), and -p for each param of the compared results: the main
     * run's result a Spec finds (all its params, so JMH runs no other value), else the Spec's own.
     */
    public static List<String> jmhArguments(List<Spec> specs, Collection<Measured> main) {
        List<String> args = new ArrayList<>(List.of(SuiteRegistry.words(JMH_ARGS)));
        Set<String> benchmarks = new LinkedHashSet<>();
        Map<String, Set<String>> params = new LinkedHashMap<>();
        for (Spec spec : specs) {
            if (spec.benchmark() == null) continue;
            benchmarks.add(spec.benchmark());
            Map<String, String> p = CrossCheck.find(spec, List.copyOf(main)).map(Measured::params).orElse(spec.params());
            p.forEach((name, value) -> params.computeIfAbsent(name, x -> new TreeSet<>()).add(value));
        }
        for (String b : benchmarks) args.add(SuiteRegistry.exactly(b));
        params.forEach((name, values) -> {
            args.add("-p");
            args.add(name + "=" + String.join(",", values));
        });
        return args;
    }

    /** The Runner options of a pair's run (fork flags and FiguresProfiler added); empty when the Specs name no benchmark. */
    public static Optional<ChainedOptionsBuilder> jmhOptions(List<Spec> specs, Collection<Measured> main)
            throws CommandLineOptionException {
        if (specs.stream().allMatch(s -> s.benchmark() == null)) return Optional.empty();
        List<String> args = jmhArguments(specs, main);
        return Optional.of(BenchMain.forks(new CommandLineOptions(args.toArray(String[]::new)), List.of()));
    }

    /** How the CLI runs one pair's JMH side: the options given, its results (null or empty: nothing measured). */
    @FunctionalInterface
    public interface Jmh {
        Collection<RunResult> run(ChainedOptionsBuilder options, int pair) throws Exception;
    }

    /**
     * The suite's paired checks: k pairs of {@code reference} and {@code jmh} (the context's
     * results are the suite's main run, whose params the pairs keep), in the order drawn from
     * {@code seed}; each failure of a side in one line on the console and in references.log.
     */
    public static List<CrossCheck> run(String suite, OutsideReference reference, ReferenceContext context, int k, long seed,
                                       Jmh jmh) {
        List<Measured> main = context.results().stream().map(CrossCheck::measured).toList();
        List<Round> rounds = interleave(k, seed, pair -> {
            context.log().printf("### pair %d: reference %s%n", pair, reference.getClass().getSimpleName());
            return reference.measure(context);
        }, specs -> {
            Optional<ChainedOptionsBuilder> options;
            try {
                options = jmhOptions(specs, main);
            } catch (CommandLineOptionException e) {
                context.say(suite, "cannot build the pairs' JMH options (" + e.getMessage() + "): no JMH side");
                return null;
            }
            if (options.isEmpty()) return null;
            context.log().println("### the pairs' JMH: " + String.join(" ", jmhArguments(specs, main)));
            return pair -> {
                Collection<RunResult> results = jmh.run(options.get(), pair);
                return results == null ? List.of() : results.stream().map(CrossCheck::measured).toList();
            };
        }, line -> context.say(suite, line));
        return judge(suite, seed, rounds);
    }
}
