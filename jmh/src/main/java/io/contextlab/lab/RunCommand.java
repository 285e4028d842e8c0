package io.contextlab.lab;

import io.contextlab.lab.env.Environment;
import io.contextlab.lab.references.CrossCheck;
import io.contextlab.lab.references.Pairs;
import io.contextlab.lab.references.ReferenceContext;
import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import io.contextlab.platform.Json;
import io.contextlab.platform.JvmFlags;
import io.contextlab.tracing.ContextPins;
import io.contextlab.tracing.EbpfProfiler;
import io.contextlab.tracing.probes.TracingSupport;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;
import org.openjdk.jmh.profile.Profiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `lab run`: every selected suite through JMH's Runner (console and RUN/log at once), its outside
 * reference (RUN/crosscheck.jsonl), the steps (servers, ebpf-perturbation), metadata.json after
 * each; then jmh.json, the summary table from the RunResults, and the report.
 */
@Command(name = "run", description = {"the main job: run the quick suite (every suite and step; --suites picks some, "
        + "e.g. syscalls,servers), write datasets/runs/<UTC>-<host>/, print a summary and make the report"})
final class RunCommand implements Callable<Integer> {
    static final String NOT_SELECTED = "not selected with --suites";

    @Option(names = "--full", description = "JMH's own forks/iterations and every parameter (bare metal, hours)")
    boolean full;

    @Option(names = "--suites", split = ",", paramLabel = "a,b", description = "the suites and steps to run (default: all)")
    List<String> only;

    @Option(names = "--smoke", description = "with --full: every full-mode parameter combination and step once, "
            + "one fork, one 10 ms iteration (" + SMOKE + "; servers at quick settings): does the full run run?")
    boolean smoke;

    @Option(names = "--no-report", description = "do not run the report at the end")
    boolean noReport;

    @Option(names = "--pairs", paramLabel = "K", description = "pairs per cross-check: measurement iterations of the pairs' JMH fork, each beside a round of the outside reference (default: ${DEFAULT-VALUE})")
    int pairs = Pairs.DEFAULT_PAIRS;

    @Override
    public Integer call() throws Exception {
        if (smoke && !full) {
            throw new LabException("--smoke tries the full run's settings: give it with --full (lab run --full --smoke)");
        }
        Path root = Lab.root();
        SuiteRegistry registry = SuiteRegistry.load(root);
        List<String> selected = only == null ? registry.names() : only;
        for (String name : selected) {
            if (!registry.names().contains(name)) {
                throw new LabException("unknown suite '" + name + "' (known: " + String.join(" ", registry.names()) + ")");
            }
        }
        checkJmhLock();
        String mode = smoke ? SMOKE_MODE : full ? "full" : "quick";
        String extra = smoke ? " " + SMOKE : "";
        List<RunMetadata.SuiteArgs> args = new ArrayList<>();
        Map<String, List<Part>> parts = new LinkedHashMap<>();
        for (SuiteRegistry.Suite s : registry.suites()) {
            if (selected.contains(s.name())) {
                parts.put(s.name(), parts(registry, s, full));
                parts.get(s.name()).forEach(p -> args.add(new RunMetadata.SuiteArgs(s.name(), p.include(), (p.args() + extra).strip())));
            }
        }
        registry.step(PERTURBATION).filter(s -> selected.contains(s.name())).ifPresent(s -> {
            Perturbation.SIDES.forEach(side -> args.add(new RunMetadata.SuiteArgs(side, s.include(),
                    (Perturbation.args(side, s.args(full)) + extra).strip())));
        });
        RunDirectory run = open(root, "", mode, args);
        Lab.note("run directory: " + Lab.shown(run.target()) + " (" + mode + ")");

        Map<String, Collection<RunResult>> all = new LinkedHashMap<>();
        // The context tier loaded once for the run's forks, unpinned when the run ends however it ends.
        try (PrintStream console = run.console(); ContextPins pins = ContextPins.forRun()) {
            AotCache.ensure(withContext(""), console);
            for (SuiteRegistry.Suite suite : registry.suites()) {
                if (!selected.contains(suite.name())) {
                    run.suite(suite.name(), RunMetadata.SuiteStatus.skipped(NOT_SELECTED));
                    continue;
                }
                for (Part part : parts.get(suite.name())) {
                    Lab.note("suite " + suite.name() + ": JMH " + part.args() + " " + part.include());
                }
                Collection<RunResult> results = jmh(run, suite.name(), parts.get(suite.name()), List.of(), console);
                all.put(suite.name(), results);
                if (mode.equals("quick")) {
                    Collection<RunResult> again = remeasure(run, suite, results, console);
                    if (!again.isEmpty()) all.put(suite.name() + REMEASURED, again);
                }
                if (suite.reference() != null) {
                    reference(root, run, suite, results, pairs, console);
                }
            }
            for (SuiteRegistry.Step step : registry.steps()) {
                if (!selected.contains(step.name())) {
                    run.suite(step.name(), RunMetadata.SuiteStatus.skipped(NOT_SELECTED));
                    continue;
                }
                Lab.note("step " + step.name());
                switch (step.name()) {
                    case ServersCommand.STEP -> ServersCommand.drive(root, run, full && !smoke, List.of(), console);
                    case PERTURBATION -> all.putAll(Perturbation.run(run, step, console));
                    default -> run.suite(step.name(), RunMetadata.SuiteStatus.skipped("this CLI has no step " + step.name()));
                }
            }
        }
        Path done = run.finish("complete");
        Summary.print(all, System.out);
        Summary.printFates(run.metadata().suites(), System.out);
        if (!noReport) {
            int status;
            try {
                status = ReportCommand.report(List.of(done.toString()));
            } catch (LabException e) {
                Lab.note(e.getMessage());
                status = 1;
            }
            if (status != 0) {
                Lab.note("the report failed; the run itself is complete in " + Lab.shown(done));
            }
        }
        Lab.note("run complete: " + Lab.shown(done));
        Path landing = done.resolve("report").resolve("index.html");
        if (Files.exists(landing)) {
            Lab.note("report: " + Lab.shown(landing));
        }
        return 0;
    }

    static final String PERTURBATION = "ebpf-perturbation";
    static final String SMOKE_MODE = "smoke";
    /** What --smoke puts over the full settings (JMH command-line syntax; applied through the Runner's builder). */
    static final String SMOKE = "-f 1 -wi 0 -i 1 -r 10ms -w 10ms";

    /** One JMH invocation of a suite: the benchmarks it includes and its arguments (JMH command-line syntax, as recorded). */
    record Part(String include, String args) {}

    /**
     * A suite's JMH invocations in this mode, each with the context tier ({@link #withContext}).
     * A quick run whose registry names claim-bearing benchmarks runs those first at the
     * registry's claim_forks (a verdict's interval then spans forks), then the rest of the suite
     * without them at the suite's own forks (the figures no claim reads need no such interval).
     * Full and smoke runs are one invocation: the annotations' forks, or one.
     */
    static List<Part> parts(SuiteRegistry registry, SuiteRegistry.Suite suite, boolean full) {
        String args = withContext(suite.args(full));
        String claims = suite.claimInclude();
        if (full || claims == null || registry.claimForks() == null) {
            return List.of(new Part(suite.include(), args));
        }
        return List.of(new Part(claims, withForks(args, registry.claimForks())),
                new Part(suite.include(), args + " -e " + claims));
    }

    /** {@code args} with JMH's fork count set to {@code forks} (the -f given replaced, or -f added). */
    static String withForks(String args, int forks) {
        List<String> words = new ArrayList<>(List.of(SuiteRegistry.words(args)));
        int at = words.indexOf("-f");
        if (at >= 0 && at + 1 < words.size()) {
            words.set(at + 1, Integer.toString(forks));
        } else {
            words.addAll(0, List.of("-f", Integer.toString(forks)));
        }
        return String.join(" ", words);
    }

    /**
     * A suite's JMH arguments with the eBPF profiler's context tier (ebpf.* on every result),
     * unless the suite names the profiler itself or tracing is impossible here (the metadata's
     * warnings then say why).
     */
    static String withContext(String args) {
        return withProfiler(args, ":context");
    }

    /** A step's JMH arguments with the context tier on every other measurement iteration, the first traced or not. */
    static String withAlternatingContext(String args, boolean tracedFirst) {
        return withProfiler(args, ":context;alternate=" + (tracedFirst ? "traced-first" : "untraced-first"));
    }

    /** A step's JMH arguments with the eBPF profiler's detail tier (runqlat, syscalls, faults, wake-ups as well). */
    static String withDetail(String args) {
        return withProfiler(args, "");
    }

    private static String withProfiler(String args, String options) {
        if (args.contains(EbpfProfiler.class.getName()) || TracingSupport.unavailableReason() != null) {
            return args;
        }
        return (args + " -prof " + EbpfProfiler.class.getName() + options).strip();
    }

    /** Opens a run directory whose metadata records this environment, commit and command line. */
    static RunDirectory open(Path root, String suffix, String mode, List<RunMetadata.SuiteArgs> args) throws IOException {
        Environment env = Environment.collect(Lab.java());
        RunMetadata.Jmh jmh = new RunMetadata.Jmh(Version.getPlainVersion(), JvmFlags.ALL, args);
        List<String> warnings = new ArrayList<>(env.warnings());
        String untraced = TracingSupport.unavailableReason();
        if (untraced != null) {
            warnings.add("no scheduler context (ebpf.*) on the results: " + untraced);
        }
        return RunDirectory.open(Lab.runsDir(), suffix,
                name -> new RunMetadata(name, mode, Lab.commandLineText(), git(root), env.facts(), warnings, jmh))
                .closeOnExit();
    }

    /**
     * One JMH suite through the Runner: {@code args} parsed by JMH, the include, the fork flags and
     * FiguresProfiler, results into RUN/jmh/{@code name}.json; its fate into the metadata.
     */
    static Collection<RunResult> jmh(RunDirectory run, String name, String include, String args,
                                     List<Class<? extends Profiler>> profilers, PrintStream console) {
        return jmh(run, name, List.of(new Part(include, args)), profilers, console);
    }

    /**
     * A suite's JMH invocations through the Runner, one after the other: each one's args parsed by
     * JMH, its include, the fork flags and FiguresProfiler; every result into RUN/jmh/{@code name}.json
     * (JMH's JSON, the parts' lists joined); the suite's fate into the metadata (failed when a
     * part failed, naming it; the other parts' results are kept).
     */
    static Collection<RunResult> jmh(RunDirectory run, String name, List<Part> parts,
                                     List<Class<? extends Profiler>> profilers, PrintStream console) {
        String started = RunMetadata.now();
        Path out = run.dir().resolve("jmh").resolve(name + ".json");
        List<RunResult> results = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> failedBenchmarks = new ArrayList<>();
        JsonArray joined = new JsonArray();
        for (int i = 0; i < parts.size(); i++) {
            Part part = parts.get(i);
            String which = parts.size() == 1 ? "" : "part " + (i + 1) + " of " + parts.size() + " (" + part.include() + "): ";
            Path partOut = parts.size() == 1 ? out : out.resolveSibling(name + ".json.part" + (i + 1));
            try {
                Files.createDirectories(out.getParent());
                ChainedOptionsBuilder builder = BenchMain.forks(new CommandLineOptions(SuiteRegistry.words(part.args())), profilers);
                if (SMOKE_MODE.equals(run.metadata().mode())) smoke(builder);
                Options options = builder.include(part.include()).resultFormat(ResultFormatType.JSON).result(Lab.fromWorkingDirectory(partOut)).build();
                FailureWatch watch = BenchMain.watch(options, console);
                Collection<RunResult> got = BenchMain.runReporting(BenchMain.runner(options, watch), options);
                failedBenchmarks.addAll(watch.failed());
                if (got == null) {
                    failures.add(which + "JMH failed (see log)");
                } else if (got.isEmpty() || !Files.isRegularFile(partOut)) {
                    failures.add(which + "JMH measured nothing (see log)");
                } else {
                    results.addAll(got);
                }
                if (parts.size() > 1 && Files.isRegularFile(partOut)) {
                    joined.addAll(JsonParser.parseString(Files.readString(partOut)).getAsJsonArray());
                    Files.delete(partOut);
                }
            } catch (Exception e) {
                failures.add(which + "JMH could not run: " + e.getMessage());
                console.println("lab: " + failures.getLast());
            }
        }
        if (parts.size() > 1 && !joined.isEmpty()) {
            try {
                Json.write(out, joined);
            } catch (IOException e) {
                failures.add("cannot write " + out + ": " + e.getMessage());
            }
        }
        String failure = failures.isEmpty() ? null : String.join("; ", failures);
        run.suite(name, RunMetadata.SuiteStatus.ofJmh(failure, failedBenchmarks, results.size(), started, RunMetadata.now()));
        return results;
    }

    static final String REMEASURED = "-remeasured";
    /** A result is re-measured when at least this share of its iterations was disturbed (ebpf.disturbed). */
    static final double REMEASURE_AT = 0.5;

    /** The share of a result's iterations that the context tier found disturbed; 0 when untraced. */
    static double disturbedShare(RunResult r) {
        var share = r.getAggregatedResult().getSecondaryResults().get("ebpf.disturbed");
        return share == null || Double.isNaN(share.getScore()) ? 0 : share.getScore();
    }

    /**
     * Issue 17's second look: the suite's results disturbed in at least {@link #REMEASURE_AT} of
     * their iterations, except those disturbed by their own design (suites.json), run once more (one fork, the suite's quick settings, only their params),
     * as suite SUITE-remeasured; both are kept, the first stays the suite's figure. Empty when
     * none was disturbed.
     */
    static Collection<RunResult> remeasure(RunDirectory run, SuiteRegistry.Suite suite, Collection<RunResult> results,
                                           PrintStream console) {
        List<RunResult> disturbed = results.stream().filter(r -> disturbedShare(r) >= REMEASURE_AT)
                .filter(r -> !suite.disturbedByDesign(r.getParams().getBenchmark())).toList();
        if (disturbed.isEmpty()) return List.of();
        Set<String> benchmarks = new TreeSet<>();
        Map<String, Set<String>> params = new TreeMap<>();
        for (RunResult r : disturbed) {
            benchmarks.add(r.getParams().getBenchmark());
            for (String key : r.getParams().getParamsKeys()) {
                params.computeIfAbsent(key, k -> new TreeSet<>()).add(r.getParams().getParam(key));
            }
        }
        List<String> words = new ArrayList<>(List.of(SuiteRegistry.words(withForks(withContext(suite.args(false)), 1))));
        for (int i = 0; i + 1 < words.size(); i++) {
            if (words.get(i).equals("-p") && params.containsKey(words.get(i + 1).split("=", 2)[0])) {
                words.remove(i + 1);
                words.remove(i--);
            }
        }
        params.forEach((key, values) -> words.addAll(List.of("-p", key + "=" + String.join(",", values))));
        String include = benchmarks.stream().map(SuiteRegistry::exactly).collect(Collectors.joining("|"));
        Lab.note("suite " + suite.name() + ": " + disturbed.size() + " of " + results.size() + " results disturbed in at least "
                + Math.round(100 * REMEASURE_AT) + "% of their iterations: measured once more as " + suite.name() + REMEASURED);
        return jmh(run, suite.name() + REMEASURED, List.of(new Part(include, String.join(" ", words))), List.of(), console);
    }

    /** {@link #SMOKE} over a mode's settings: one fork, no warm-up, one 10 ms iteration (the params stay). */
    static ChainedOptionsBuilder smoke(ChainedOptionsBuilder builder) {
        return builder.forks(1).warmupIterations(0).warmupTime(TimeValue.milliseconds(10))
                .measurementIterations(1).measurementTime(TimeValue.milliseconds(10));
    }

    /**
     * The suite's outside reference, paired with the iterations of a JMH run of what it checks
     * (Pairs): each CrossCheck a line of RUN/crosscheck.jsonl, the programs' raw output in
     * references.log, the pairs' JMH results in RUN/jmh/pairs/SUITE-Class.method.json (not in
     * jmh.json: short iterations, each beside a probe round).
     */
    static void reference(Path root, RunDirectory run, SuiteRegistry.Suite suite, Collection<RunResult> results,
                          int pairs, PrintStream console) {
        long seed = new java.security.SecureRandom().nextLong();
        Lab.note("suite " + suite.name() + ": outside reference " + suite.reference() + ", " + pairs + " pairs (seed " + seed + ")");
        try (PrintStream log = new PrintStream(new FileOutputStream(run.dir().resolve("references.log").toFile(), true),
                true, StandardCharsets.UTF_8)) {
            try {
                Path dir = run.dir().resolve("jmh").resolve("pairs");
                Files.createDirectories(dir);
                List<CrossCheck> checks = Pairs.run(suite.name(), suite.reference(), new ReferenceContext(root, run.dir(), results, log),
                        pairs, seed, (options, name) -> {
                            Options o = options.resultFormat(ResultFormatType.JSON)
                                    .result(Lab.fromWorkingDirectory(dir.resolve(suite.name() + "-" + name + ".json"))).build();
                            return BenchMain.runReporting(BenchMain.runner(o, console), o);
                        });
                for (CrossCheck check : checks) {
                    Json.appendLine(run.dir().resolve("crosscheck.jsonl"), check);
                }
            } catch (Exception e) {
                e.printStackTrace(log);
                Lab.note("the outside reference of " + suite.name() + " failed: " + e.getMessage() + " (see references.log)");
            }
        } catch (IOException e) {
            Lab.note("cannot write references.log: " + e.getMessage());
        }
    }

    /** Refuses to start while another JMH run holds JMH's lock, /tmp/jmh.lock. */
    static void checkJmhLock() {
        String busy = "another JMH run holds /tmp/jmh.lock: let it finish first (two benchmark runs on one machine distort each other)";
        Path lock = Path.of(System.getProperty("java.io.tmpdir"), "jmh.lock");
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = channel.tryLock()) {
            if (held == null) {
                throw new LabException(busy);
            }
        } catch (OverlappingFileLockException e) {
            throw new LabException(busy);
        } catch (IOException e) {
            throw new LabException("cannot open " + lock + " (" + e.getMessage() + "): remove it if no JMH run is going");
        }
    }

    /** The commit this checkout is at, and whether tracked files differ from it; nulls outside git. */
    static RunMetadata.Git git(Path root) {
        String commit = output(root, "git", "rev-parse", "HEAD");
        if (commit == null || commit.isBlank()) {
            return new RunMetadata.Git(null, null);
        }
        String status = output(root, "git", "status", "--porcelain", "--untracked-files=no");
        return new RunMetadata.Git(commit.trim(), status == null ? null : !status.isBlank());
    }

    private static String output(Path cwd, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor() == 0 ? text : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
