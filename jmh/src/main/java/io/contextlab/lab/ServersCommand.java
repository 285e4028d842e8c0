package io.contextlab.lab;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `lab servers`: a run directory holding only servers.json (the JMH suites marked skipped),
 * written by the servers driver ({@code servers.jar drive}) — the same step `lab run` runs.
 */
@Command(name = "servers", description = {"the server models (thread, pool, fork, prefork, selector, reuseport, virtual, st, "
        + "st-reuseport, uring), nginx and the first article's 2x2 (py/c x thread/fork) under wrk on 127.0.0.1; writes "
        + "datasets/runs/<UTC>-<host>/servers.json. Quick: 3 shuffled repetitions of reuseport, selector, virtual and "
        + "nginx at 1,000 keep-alive connections (1 s) and of the 2x2 at the article's nine Connection: close points "
        + "(1 s; the thread models also at 1,000); open-loop latency at 25/50/75/90 % of each of those four's peak; memory per idle connection of every "
        + "model, each on an instance started afresh. --full: 5 repetitions, every model at 1 .. 10,000 connections, 10 s each"})
final class ServersCommand implements Callable<Integer> {
    static final String STEP = "servers";

    @Option(names = "--full", description = "the full grid")
    boolean full;
    @Option(names = "--models", paramLabel = "a,b", description = "the server models to drive")
    String models;
    @Option(names = "--concurrency", paramLabel = "1,10,...", description = "keep-alive connection counts")
    String concurrency;
    @Option(names = "--close-concurrency", paramLabel = "10,...", description = "Connection: close connection counts")
    String closeConcurrency;
    @Option(names = "--duration", paramLabel = "S", description = "seconds per point")
    String duration;

    @Override
    public Integer call() throws Exception {
        Path root = Lab.root();
        SuiteRegistry registry = SuiteRegistry.load(root);
        List<String> options = new ArrayList<>();
        add(options, "--models", models);
        add(options, "--concurrency", concurrency);
        add(options, "--close-concurrency", closeConcurrency);
        add(options, "--duration", duration);
        RunDirectory run = RunCommand.open(root, "", full ? "full" : "quick", List.of());
        for (SuiteRegistry.Suite suite : registry.suites()) {
            run.suite(suite.name(), RunMetadata.SuiteStatus.skipped("lab servers runs the server models only"));
        }
        for (SuiteRegistry.Step step : registry.steps()) {
            if (!step.name().equals(STEP)) {
                run.suite(step.name(), RunMetadata.SuiteStatus.skipped("lab servers runs the server models only"));
            }
        }
        Lab.note("run directory: " + Lab.shown(run.target()) + " (servers, " + (full ? "full" : "quick") + ")");
        boolean ok;
        try (PrintStream console = run.console()) {
            ok = drive(root, run, full, options, console);
        }
        Path done = run.finish("complete");
        if (!ok) {
            throw new LabException("the servers driver failed: see " + Lab.shown(done.resolve("log")));
        }
        Lab.note("servers: " + Lab.shown(done.resolve("servers.json")));
        return 0;
    }

    private static void add(List<String> options, String name, String value) {
        if (value != null) {
            options.add(name + "=" + value);
        }
    }

    /**
     * The step: {@code java -jar servers/target/servers.jar drive --out=RUN/servers.json [--full] [options]},
     * its output to the console and the log; its fate into the metadata. True when it succeeded.
     */
    static boolean drive(Path root, RunDirectory run, boolean full, List<String> options, PrintStream console) {
        String started = RunMetadata.now();
        Path jar = root.resolve("servers/target/servers.jar");
        String failure;
        if (!Files.isRegularFile(jar)) {
            failure = "no servers/target/servers.jar (build with scripts/lab build)";
        } else {
            List<String> command = new ArrayList<>(List.of(Lab.java(), "-jar", jar.toString(), "drive",
                    "--out=" + run.dir().resolve("servers.json")));
            if (full) {
                command.add("--full");
            }
            command.addAll(options);
            try {
                int status = Lab.child(command, root, console);
                failure = status == 0 ? null : "the servers driver exited with " + status + " (see log)";
            } catch (Exception e) {
                failure = "the servers driver could not run: " + e.getMessage();
            }
        }
        if (failure != null) {
            Lab.note("servers: " + failure);
        }
        run.suite(STEP, new RunMetadata.SuiteStatus(failure == null ? "measured" : "failed", failure, started,
                RunMetadata.now(), null));
        return failure == null;
    }
}
