package io.contextlab.lab;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import io.contextlab.platform.Json;
import io.contextlab.tracing.EbpfProfiler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.WorkloadParams;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;

/**
 * The step ebpf-perturbation, the eBPF profiler's own cost, as interleaved rounds: {@link #ROUNDS}
 * rounds, each of one or two short JMH runs (one fork of each benchmark the step includes): the
 * untraced side and the context tier in one fork whose measurement iterations alternate (the
 * tier attached in every other one, EbpfProfiler's alternate option), and in the first rounds the
 * detail tier in a fork of its own, in an order drawn per round from a seed. A tier's cost is
 * judged per round (traced fork i over untraced fork i), never as one run of A minutes before one
 * run of B; and the context tier's twin is adjacent iterations of one JVM on one CPU: on this VM
 * the two vCPUs run at different speeds from one second to the next, and two forks a second apart
 * differed by more than the tier costs. The alternating fork is split into the two sides' forks
 * ({@link #split}).
 *
 * <p>Each side's rounds are merged into one JMH result per benchmark and params whose fork i is
 * the side's i-th measured round: RUN/jmh/SIDE.json, so jmh.json keeps the suites ebpf-untraced,
 * ebpf-traced and ebpf-detail, each result with the added key {@code "rounds"} (the round of each
 * fork, 1-based, as rawData lists them). The seed and each round's order are in metadata.json's
 * {@code perturbation}.
 */
final class Perturbation {
    /** Rounds of the context tier and the untraced side. */
    static final int ROUNDS = 6;
    /**
     * Rounds of the detail tier: the first this many. Each side of a round costs a JVM fork per
     * benchmark, whose start-up outweighs its short iterations, so the detail tier, whose paired
     * ratio is for information (the probes' kernel-accounted cost per op states its cost), runs
     * in half the rounds.
     */
    static final int DETAIL_ROUNDS = ROUNDS / 2;
    static final String UNTRACED = "ebpf-untraced", CONTEXT = "ebpf-traced", DETAIL = "ebpf-detail";
    static final List<String> SIDES = List.of(UNTRACED, CONTEXT, DETAIL);
    /** The key each merged result carries in jmh.json: the round of each of its forks. */
    static final String ROUNDS_KEY = "rounds";
    /** The profiler's flag of a traced iteration. */
    static final String TRACED = EbpfProfiler.TRACED;

    private Perturbation() {}

    /** The rounds' orders, drawn from {@code seed}: each a shuffle of the sides it runs (the detail tier in the first {@code detailRounds}). */
    static List<List<String>> orders(long seed, int rounds, int detailRounds) {
        Random random = new Random(seed);
        List<List<String>> orders = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            List<String> sides = new ArrayList<>(i < detailRounds ? SIDES : List.of(UNTRACED, CONTEXT));
            Collections.shuffle(sides, random);
            orders.add(List.copyOf(sides));
        }
        return orders;
    }

    /** A side's JMH arguments: the step's, one fork, and the side's profiler tier. */
    static String args(String side, String stepArgs) {
        String one = RunCommand.withForks(stepArgs, 1);
        return switch (side) {
            case CONTEXT -> RunCommand.withContext(one);
            case DETAIL -> RunCommand.withDetail(one);
            default -> one;
        };
    }

    /**
     * The JMH arguments of a round's untraced-and-context fork: one fork, twice the step's
     * measurement iterations (each side keeps the step's count), and the context tier tracing
     * every other iteration, {@code first} (UNTRACED or CONTEXT) first.
     */
    static String alternatingArgs(String stepArgs, String first) {
        List<String> words = new ArrayList<>(List.of(SuiteRegistry.words(RunCommand.withForks(stepArgs, 1))));
        int at = words.indexOf("-i");
        if (at >= 0 && at + 1 < words.size()) words.set(at + 1, Integer.toString(2 * Integer.parseInt(words.get(at + 1))));
        return RunCommand.withAlternatingContext(String.join(" ", words), first.equals(CONTEXT));
    }

    /**
     * The Runner options of a round's fork: {@code args}, and under --smoke its settings over them
     * (one 10 ms iteration), except that the alternating fork keeps two, one for each of its sides.
     */
    static ChainedOptionsBuilder options(String args, boolean smoke, boolean alternating) throws CommandLineOptionException {
        ChainedOptionsBuilder builder = BenchMain.forks(new CommandLineOptions(SuiteRegistry.words(args)), List.of());
        if (smoke) {
            RunCommand.smoke(builder);
            if (alternating) builder.measurementIterations(2);
        }
        return builder;
    }

    /** Whether an iteration was traced: its ebpf.traced is 1 (absent: the profiler did not run). */
    static boolean traced(IterationResult ir) {
        return ir.getSecondaryResults().entrySet().stream()
                .anyMatch(e -> e.getKey().replaceFirst("^\u00b7", "").equals(TRACED) && e.getValue().getScore() > 0.5);
    }

    /**
     * A round's alternating fork split into its two sides: per result and fork, the untraced
     * iterations and the traced ones, each a fork of its own side (the benchmark-level results
     * with both), in iteration order.
     */
    static Map<String, Collection<RunResult>> split(Collection<RunResult> results) {
        Map<String, Collection<RunResult>> sides = new LinkedHashMap<>();
        sides.put(UNTRACED, new ArrayList<>());
        sides.put(CONTEXT, new ArrayList<>());
        for (RunResult r : results) {
            Map<String, List<BenchmarkResult>> forks = new LinkedHashMap<>();
            for (BenchmarkResult b : r.getBenchmarkResults()) {
                for (String side : List.of(UNTRACED, CONTEXT)) {
                    List<IterationResult> its = b.getIterationResults().stream().filter(ir -> traced(ir) == side.equals(CONTEXT)).toList();
                    if (its.isEmpty()) continue;
                    BenchmarkParams p = with(r.getParams(), r.getParams().getForks(), new IterationParams(IterationType.MEASUREMENT,
                            its.size(), r.getParams().getMeasurement().getTime(), r.getParams().getMeasurement().getBatchSize()));
                    BenchmarkResult half = new BenchmarkResult(p, its, b.getMetadata());
                    for (String key : b.getBenchmarkResults().keys()) b.getBenchmarkResults().get(key).forEach(half::addBenchmarkResult);
                    forks.computeIfAbsent(side, x -> new ArrayList<>()).add(half);
                }
            }
            forks.forEach((side, list) -> sides.get(side).add(new RunResult(list.getFirst().getParams(), list)));
        }
        return sides;
    }

    /** One side of one round: its results (null or empty: nothing measured); an exception fails that side in that round only. */
    @FunctionalInterface
    interface Side {
        Collection<RunResult> run(String side, int round) throws Exception;
    }

    /** A side's result for one benchmark and params, over rounds: the merged RunResult and the round of each fork. */
    record Merged(RunResult result, List<Integer> rounds) {}

    /**
     * Runs every round in its order; returns each side's results by round (1-based, in round
     * order; a failed side is absent from that round). {@code failed} hears each failure.
     */
    static Map<String, Map<Integer, Collection<RunResult>>> interleave(List<List<String>> orders, Side side,
                                                                       Consumer<String> failed) {
        Map<String, Map<Integer, Collection<RunResult>>> bySide = new LinkedHashMap<>();
        SIDES.forEach(s -> bySide.put(s, new TreeMap<>()));
        for (int i = 0; i < orders.size(); i++) {
            int round = i + 1;
            for (String s : orders.get(i)) {
                try {
                    Collection<RunResult> got = side.run(s, round);
                    if (got == null || got.isEmpty()) {
                        failed.accept("round " + round + ": " + s + " measured nothing (see log)");
                    } else {
                        bySide.get(s).put(round, got);
                    }
                } catch (Exception e) {
                    failed.accept("round " + round + ": " + s + " failed: " + e.getMessage());
                }
            }
        }
        return bySide;
    }

    /**
     * One side's rounds merged: per benchmark and params (in the order first seen), one RunResult
     * whose BenchmarkResults, one per fork, follow the rounds' order, and the round of each.
     */
    static List<Merged> merge(Map<Integer, Collection<RunResult>> byRound) {
        Map<String, List<BenchmarkResult>> forks = new LinkedHashMap<>();
        Map<String, List<Integer>> rounds = new LinkedHashMap<>();
        Map<String, BenchmarkParams> first = new LinkedHashMap<>();
        for (Map.Entry<Integer, Collection<RunResult>> e : new TreeMap<>(byRound).entrySet()) {
            for (RunResult r : e.getValue()) {
                String key = key(r.getParams());
                first.putIfAbsent(key, r.getParams());
                for (BenchmarkResult b : r.getBenchmarkResults()) {
                    forks.computeIfAbsent(key, k -> new ArrayList<>()).add(b);
                    rounds.computeIfAbsent(key, k -> new ArrayList<>()).add(e.getKey());
                }
            }
        }
        List<Merged> merged = new ArrayList<>();
        for (String key : first.keySet()) {
            BenchmarkParams params = withForks(first.get(key), forks.get(key).size());
            merged.add(new Merged(new RunResult(params, forks.get(key)), List.copyOf(rounds.get(key))));
        }
        return merged;
    }

    /** What tells one result from another: benchmark, mode and params. */
    private static String key(BenchmarkParams p) {
        StringBuilder s = new StringBuilder(p.getBenchmark()).append(' ').append(p.getMode());
        for (String k : p.getParamsKeys()) s.append(' ').append(k).append('=').append(p.getParam(k));
        return s.toString();
    }

    /** {@code p} with its fork count set to {@code forks} (so JMH's JSON says how many rawData holds). */
    static BenchmarkParams withForks(BenchmarkParams p, int forks) {
        return with(p, forks, p.getMeasurement());
    }

    /** {@code p} with its fork count and its measurement iterations set. */
    static BenchmarkParams with(BenchmarkParams p, int forks, IterationParams measurement) {
        WorkloadParams wp = new WorkloadParams();
        int order = 0;
        for (String k : p.getParamsKeys()) wp.put(k, p.getParam(k), order++);
        return new BenchmarkParams(p.getBenchmark(), p.generatedBenchmark(), p.shouldSynchIterations(), p.getThreads(),
                p.getThreadGroups(), p.getThreadGroupLabels(), forks, p.getWarmupForks(), p.getWarmup(), measurement,
                p.getMode(), wp, p.getTimeUnit(), p.getOpsPerInvocation(), p.getJvm(), p.getJvmArgs(), p.getJdkVersion(),
                p.getVmName(), p.getVmVersion(), p.getJmhVersion(), p.getTimeout());
    }

    /** The merged results as JMH's JSON, each with {@link #ROUNDS_KEY}. */
    static JsonArray json(List<Merged> merged) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, out).writeOut(merged.stream().map(Merged::result).toList());
        }
        JsonArray array = JsonParser.parseString(bytes.toString(StandardCharsets.UTF_8)).getAsJsonArray();
        for (int i = 0; i < array.size(); i++) {
            JsonArray rounds = new JsonArray();
            merged.get(i).rounds().forEach(rounds::add);
            array.get(i).getAsJsonObject().add(ROUNDS_KEY, rounds);
        }
        return array;
    }

    /**
     * The step in a run: the rounds, each side's merged results into RUN/jmh/SIDE.json, each
     * side's fate and the step's into the metadata, the seed and orders too. Returns each side's
     * merged results (for the summary).
     */
    static Map<String, Collection<RunResult>> run(RunDirectory run, SuiteRegistry.Step step, PrintStream console) {
        boolean full = !run.metadata().mode().equals("quick");
        String stepArgs = step.args(full);
        long seed = new java.security.SecureRandom().nextLong();
        boolean smoke = RunCommand.SMOKE_MODE.equals(run.metadata().mode());
        int rounds = smoke ? 1 : ROUNDS;   // --smoke asks whether the step runs: every side once
        List<List<String>> orders = orders(seed, rounds, Math.min(rounds, DETAIL_ROUNDS));
        run.metadata().perturbation(new RunMetadata.Perturbation(seed, orders));
        String started = RunMetadata.now();
        Map<String, List<String>> failures = new LinkedHashMap<>();
        SIDES.forEach(s -> failures.put(s, new ArrayList<>()));
        List<String> failedAll = new ArrayList<>();
        Lab.note("ebpf perturbation: " + rounds + (rounds == 1 ? " round of " : " rounds of ") + String.join(", ", SIDES) + " (detail in "
                + Math.min(rounds, DETAIL_ROUNDS) + "), each side one fork, in an order drawn per round (seed " + seed + ")");
        // untraced and context share one fork per round, alternating iterations: the first of the
        // two the round's order names runs it and starts each pair, the second takes its half
        Map<Integer, Map<String, Collection<RunResult>>> alternated = new TreeMap<>();
        Map<String, Map<Integer, Collection<RunResult>>> bySide = interleave(orders, (side, round) -> {
            if (!side.equals(DETAIL) && alternated.containsKey(round)) return alternated.get(round).get(side);
            boolean alternating = !side.equals(DETAIL);
            Lab.note("ebpf perturbation: round " + round + " of " + orders.size() + ": "
                    + (alternating ? "untraced and context tier alternating by iteration, " + side + " first" : side));
            long t0 = System.nanoTime();
            String args = alternating ? alternatingArgs(stepArgs, side) : args(side, stepArgs);
            Options options = options(args, smoke, alternating).include(step.include()).build();
            FailureWatch watch = BenchMain.watch(options, console);
            Collection<RunResult> got = BenchMain.runReporting(BenchMain.runner(options, watch), options);
            watch.failed().forEach(b -> failures.get(side).add("round " + round + ": " + b));
            Lab.note(String.format("ebpf perturbation: round %d: %s took %.1f s", round, alternating ? "the alternating fork" : side,
                    (System.nanoTime() - t0) / 1e9));
            if (!alternating) return got;
            alternated.put(round, split(got == null ? List.of() : got));
            return alternated.get(round).get(side);
        }, line -> {
            console.println("lab: ebpf perturbation: " + line);
            failedAll.add(line);
            SIDES.stream().filter(line::contains).findFirst().ifPresent(s -> failures.get(s).add(line));
        });
        Map<String, Collection<RunResult>> results = new LinkedHashMap<>();
        boolean failed = false, partial = false;
        for (String side : SIDES) {
            Map<Integer, Collection<RunResult>> measured = bySide.get(side);
            List<Merged> merged = merge(measured);
            List<String> why = new ArrayList<>(failures.get(side));
            if (!merged.isEmpty()) {
                try {
                    Json.write(run.dir().resolve("jmh").resolve(side + ".json"), json(merged));
                } catch (IOException | RuntimeException e) {
                    why.add("cannot write its results: " + e.getMessage());
                    merged = List.of();
                }
            }
            results.put(side, merged.stream().map(Merged::result).toList());
            long expected = orders.stream().filter(o -> o.contains(side)).count();
            RunMetadata.SuiteStatus status = merged.isEmpty()
                    ? new RunMetadata.SuiteStatus("failed", why.isEmpty() ? "measured nothing (see log)" : String.join("; ", why),
                            started, RunMetadata.now(), null)
                    : new RunMetadata.SuiteStatus(why.isEmpty() ? "measured" : "partial",
                            why.isEmpty() ? null : measured.size() + " of " + expected + " rounds measured: " + String.join("; ", why),
                            started, RunMetadata.now(), merged.size());
            run.suite(side, status);
            failed |= "failed".equals(status.status());
            partial |= "partial".equals(status.status());
        }
        run.suite(step.name(), new RunMetadata.SuiteStatus(failed ? "failed" : partial ? "partial" : "measured",
                failed ? "a side failed (see ebpf-untraced, ebpf-traced, ebpf-detail)"
                        : partial ? "a side is partial (see ebpf-untraced, ebpf-traced, ebpf-detail)" : null,
                started, RunMetadata.now(), results.values().stream().mapToInt(Collection::size).sum()));
        return results;
    }
}
