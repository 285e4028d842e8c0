package io.contextlab.lab.references;

import io.contextlab.platform.Json;
import io.contextlab.platform.libc.Affinity;
import io.contextlab.platform.proc.ProcFs;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;
import org.openjdk.jmh.runner.IterationType;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The outside side of a pair, run inside the JMH fork it is paired with (issue 16): before or
 * after each measurement iteration, in the order {@link Pairs#orders} draws from the plan's seed,
 * the probes of the suite's reference whose checks name this fork's benchmark and params run once
 * (as child processes: the fork's own threads wait), and each of their figures for this
 * benchmark comes back as a secondary result of that iteration, labelled {@link #LABEL} + the
 * check. A pair is thus one iteration and one probe round, less than a second apart, in the same
 * fork: the machine's drift between minutes and the fork-to-fork spread of one side cannot
 * masquerade as a difference. A probe that times a single-threaded loop
 * ({@link OutsideReference.Probe#followsCpu}) runs on the CPU the benchmark's worker runs its
 * iterations on: after the warm-up iteration, the thread that used the most CPU time in it (the
 * worker) is pinned to the CPU it last ran on, unless the benchmark pinned it to one CPU itself,
 * and the probes run there. Why pin: the two vCPUs of this VM can differ in speed by half at busy
 * times (the same C loop 0.74 against 1.15 ns a call on 2 December 2026), and the CPU an unpinned
 * worker last ran on after an iteration is often where JMH's control thread woke it, not where the
 * iteration ran. Raw outputs go to the run's references.log.
 *
 * <p>The host writes the plan (a JSON file, its path the profiler's option: {@code plan=FILE}) and
 * reads the results back ({@link Pairs}); warm-up iterations run no probe.
 */
public final class PairedProbes implements InternalProfiler {
    /** The prefix of each reference figure's secondary-result label. */
    public static final String LABEL = "reference: ";

    /** What the host tells the fork: the reference (a simple name References knows, or a class), where things are, the seed, each probe's targets. */
    record Plan(String reference, String labRoot, String runDir, String log, long seed, Map<String, List<Target>> probes) {}

    /** A JMH result a probe's checks compare with: the benchmark and the params the checks name. */
    record Target(String benchmark, Map<String, String> params) {
        /** Whether a fork of {@code benchmark} whose params {@code param} gives is this target (every param named equal). */
        boolean matches(String benchmark, Function<String, String> param) {
            return this.benchmark.equals(benchmark) && params.entrySet().stream().allMatch(e -> e.getValue().equals(param.apply(e.getKey())));
        }
    }

    private final Plan plan;
    private final OutsideReference reference;
    private int measured;
    private List<CrossCheck.Outside> current = List.of();
    /** Each thread's CPU time when the iteration began. */
    private Map<Long, ProcFs.Stat> threadsBefore = Map.of();
    /** The CPU the busiest thread of the last iteration ran on (null: none yet); once the worker is pinned, its CPU. */
    private Integer benchmarkCpu;
    /** The worker's thread id once it is pinned for the probes that follow the CPU (null: not yet, or none follows it). */
    private Long pinnedWorker;
    /** Whether pinning was tried (once a fork: a refusal is said once). */
    private boolean pinTried;

    public PairedProbes(String options) {
        String file = options == null ? "" : options.replaceFirst("^plan=", "");
        try {
            plan = Json.GSON.fromJson(Files.readString(Path.of(file)), Plan.class);
        } catch (IOException e) {
            throw new UncheckedIOException("PairedProbes: cannot read the plan " + file, e);
        }
        reference = reference(plan.reference());
    }

    static OutsideReference reference(String name) {
        if (!name.contains(".")) return References.named(name);
        try {
            return (OutsideReference) Class.forName(name).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("no outside reference class " + name, e);
        }
    }

    @Override
    public String getDescription() {
        return "Runs the outside reference's probes beside each measurement iteration (ContextLab's paired cross-checks)";
    }

    @Override
    public void beforeIteration(BenchmarkParams bp, IterationParams ip) {
        current = List.of();
        if (ip.getType() == IterationType.MEASUREMENT && order(measured).equals(Pairs.REFERENCE_FIRST)) current = probe(bp);
        threadsBefore = ProcFs.threads();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams bp, IterationParams ip, IterationResult result) {
        Optional<Map.Entry<Long, ProcFs.Stat>> busiest = busiest(threadsBefore, ProcFs.threads());
        if (pinnedWorker == null) {
            busiest.ifPresent(worker -> benchmarkCpu = worker.getValue().processor());
            if (busiest.isPresent() && !pinTried && followsCpu(bp)) {
                pinTried = true;
                pinnedWorker = pin(busiest.get().getKey(), benchmarkCpu);
            }
        }
        if (ip.getType() != IterationType.MEASUREMENT) return List.of();
        if (order(measured).equals(Pairs.JMH_FIRST)) current = probe(bp);
        measured++;
        List<ScalarResult> out = new ArrayList<>();
        figures(current, bp.getBenchmark(), bp::getParam).forEach((label, score) ->
                out.add(new ScalarResult(label, score.value(), score.unit(), AggregationPolicy.AVG)));
        return out;
    }

    /** The figures of {@code outside} whose checks name this benchmark and its params, by result label ({@link #LABEL} + check). */
    static Map<String, CrossCheck.Score> figures(List<CrossCheck.Outside> outside, String benchmark, Function<String, String> param) {
        Map<String, CrossCheck.Score> out = new LinkedHashMap<>();
        for (CrossCheck.Outside o : outside) {
            if (o.spec().benchmark() != null && new Target(o.spec().benchmark(), o.spec().params()).matches(benchmark, param)) {
                out.put(LABEL + o.spec().check(), new CrossCheck.Score(o.reference().value(), o.spec().unit()));
            }
        }
        return out;
    }

    /**
     * One round of each probe of {@code reference} with a target in a fork of {@code benchmark}
     * (params by {@code param}), in the reference's order; those that follow the CPU on {@code cpu}.
     */
    static List<CrossCheck.Outside> round(OutsideReference reference, Map<String, List<Target>> targets, String benchmark,
                                          Function<String, String> param, ReferenceContext context, Integer cpu) {
        List<CrossCheck.Outside> out = new ArrayList<>();
        for (OutsideReference.Probe probe : reference.probes()) {
            if (targets.getOrDefault(probe.name(), List.of()).stream().anyMatch(t -> t.matches(benchmark, param))) {
                out.addAll(OutsideReference.run(probe, probe.followsCpu() ? context.onCpu(cpu) : context));
            }
        }
        return out;
    }

    /**
     * The thread (id and stat) that used the most CPU time between two snapshots of this process's
     * threads: the benchmark's worker during an iteration; empty when none ran.
     */
    static Optional<Map.Entry<Long, ProcFs.Stat>> busiest(Map<Long, ProcFs.Stat> before, Map<Long, ProcFs.Stat> after) {
        long most = 0;
        Map.Entry<Long, ProcFs.Stat> found = null;
        for (Map.Entry<Long, ProcFs.Stat> e : after.entrySet()) {
            ProcFs.Stat was = before.get(e.getKey());
            long used = e.getValue().utime() + e.getValue().stime() - (was == null ? 0 : was.utime() + was.stime());
            if (used > most && e.getValue().processor() >= 0) {
                most = used;
                found = e;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Whether a probe that follows the CPU has a target in this fork. */
    private boolean followsCpu(BenchmarkParams bp) {
        return reference.probes().stream().filter(OutsideReference.Probe::followsCpu).anyMatch(probe -> plan.probes()
                .getOrDefault(probe.name(), List.of()).stream().anyMatch(t -> t.matches(bp.getBenchmark(), bp::getParam)));
    }

    /**
     * Pins thread {@code tid} to {@code cpu}, unless the benchmark already keeps it on one CPU (then
     * that CPU becomes {@link #benchmarkCpu}); returns {@code tid}. Where the kernel refuses, the
     * probes keep following the CPU the worker last ran on, and stderr says so.
     */
    private Long pin(long tid, int cpu) {
        try {
            int[] allowed = Affinity.cpusOf((int) tid);
            if (allowed.length == 1) benchmarkCpu = allowed[0];
            else Affinity.pinThread((int) tid, cpu);
            return tid;
        } catch (RuntimeException e) {
            System.err.println("PairedProbes: cannot pin the benchmark's worker " + tid + " to CPU " + cpu + " (" + e.getMessage()
                    + "): the probes follow the CPU it last ran on");
            return null;
        }
    }

    private String order(int iteration) {
        return Pairs.orders(plan.seed(), iteration + 1).get(iteration);
    }

    /** One round of every probe with a target in this fork, raw output to references.log. */
    private List<CrossCheck.Outside> probe(BenchmarkParams bp) {
        List<CrossCheck.Outside> out = new ArrayList<>();
        try (PrintStream log = new PrintStream(new FileOutputStream(plan.log(), true), true, StandardCharsets.UTF_8)) {
            log.printf("### pair %d (%s) of %s %s, the benchmark's thread %s CPU %s (%s)%n", measured + 1, order(measured),
                    bp.getBenchmark(), params(bp), pinnedWorker != null ? "pinned to" : "last on", benchmarkCpu,
                    Instant.now().truncatedTo(ChronoUnit.SECONDS));
            ReferenceContext context = new ReferenceContext(Path.of(plan.labRoot()), Path.of(plan.runDir()), List.of(), log);
            out.addAll(round(reference, plan.probes(), bp.getBenchmark(), bp::getParam, context, benchmarkCpu));
        } catch (IOException e) {
            System.err.println("PairedProbes: cannot append to " + plan.log() + " (" + e.getMessage() + "): no probe this iteration");
        }
        return out;
    }

    private static String params(BenchmarkParams bp) {
        return bp.getParamsKeys().stream().map(k -> k + "=" + bp.getParam(k)).toList().toString();
    }
}
