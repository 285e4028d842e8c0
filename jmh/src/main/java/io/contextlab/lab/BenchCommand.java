package io.contextlab.lab;

import io.contextlab.tracing.EbpfProfiler;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.profile.Profiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * `lab bench [--trace] [--profile async] [JMH args]`: JMH's own command line (listing and help
 * included), forks with the JVM flags and FiguresProfiler; --trace adds the eBPF profiler;
 * --profile async runs async-profiler (cpu) into a run directory …-async/ (flame graphs, jmh.json).
 */
@Command(name = "bench", description = {"run benchmarks with the right JVM flags (e.g. lab bench -l, "
        + "lab bench -f 1 'syscalls.SyscallLoops.getppid'); --trace adds the eBPF profiler's scheduler metrics; "
        + "--profile async runs async-profiler (cpu) and writes flame graphs and jmh.json into "
        + "datasets/runs/<UTC>-<host>-async/"})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--trace", description = "add -prof io.contextlab.tracing.EbpfProfiler")
    boolean trace;

    @Option(names = "--profile", paramLabel = "async", description = "run under a profiler (known: async)")
    String profile;

    @Parameters(paramLabel = "JMH-ARGS", arity = "0..*", description = "JMH's own options and benchmark patterns")
    List<String> jmhArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        List<Class<? extends Profiler>> extra = trace ? List.of(EbpfProfiler.class) : List.of();
        String[] args = jmhArgs.toArray(String[]::new);
        if (profile == null) {
            return BenchMain.run(args, extra, System.out);
        }
        if (!profile.equals("async")) {
            throw new LabException("unknown profiler '" + profile + "' for bench --profile (known: async)");
        }
        return asyncProfile(args, extra);
    }

    /**
     * JMH's async-profiler integration with the agent the build unpacks from the
     * tools.profiler:async-profiler artifact; event cpu, since a VM has no hardware events.
     */
    private int asyncProfile(String[] args, List<Class<? extends Profiler>> extra) throws Exception {
        Path root = Lab.root();
        Path lib = root.resolve("tracing/target/async-profiler/linux-x64/libasyncProfiler.so");
        if (!Files.isRegularFile(lib)) {
            throw new LabException("no " + Lab.shown(lib) + ": rebuild with scripts/lab build (maven unpacks it from tools.profiler:async-profiler)");
        }
        CommandLineOptions cmd;
        try {
            cmd = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            throw new LabException("JMH cannot parse the arguments: " + e.getMessage());
        }
        RunDirectory run = RunCommand.open(root, "-async", "bench", List.of());
        Path async = Files.createDirectories(run.dir().resolve("async"));
        Path result = Files.createDirectories(run.dir().resolve("jmh")).resolve("bench.json");
        Options options = BenchMain.forks(cmd, extra)
                .addProfiler("async", "libPath=" + lib + ";output=flamegraph;event=cpu;dir=" + async)
                .resultFormat(ResultFormatType.JSON).result(result.toString()).build();
        String started = RunMetadata.now();
        java.util.Collection<RunResult> results;
        try (PrintStream console = run.console()) {
            results = BenchMain.runReporting(BenchMain.runner(options, console), options);
        }
        run.suite("bench", new RunMetadata.SuiteStatus(results == null ? "failed" : "measured",
                results == null ? "JMH failed (see log)" : null, started, RunMetadata.now(), results == null ? null : results.size()));
        Path done = run.finish(results == null ? "failed" : "complete");
        Lab.note("flame graphs and jmh.json: " + Lab.shown(done));
        return results == null ? 1 : 0;
    }
}
