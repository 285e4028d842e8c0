package io.contextlab.lab;

import io.contextlab.platform.JvmFlags;
import io.contextlab.tracing.TraceSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * `lab trace …`: io.contextlab.tracing.TraceSession with the same arguments. Given --out or
 * --check, exactly that; otherwise into a new run directory …-trace/ (traces/ under it).
 */
@Command(name = "trace", description = {"eBPF session (root): run-queue length and latency, context switches, syscalls, "
        + "faults, wake-ups of one process; histograms printed, CSV/JSON in DIR or datasets/runs/<UTC>-<host>-trace/traces/; "
        + "--check prints whether tracing works here (JSON)",
        "usage: lab trace [--probes a,b] [--duration S] [--hz N] [--out DIR] (--pid P | -- COMMAND...) | --check"})
final class TraceCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ARGS", arity = "0..*", description = "TraceSession's arguments")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        boolean ownOut = false;
        for (String arg : args) {
            if (arg.equals("--")) {
                break;
            }
            ownOut |= arg.equals("--out") || arg.startsWith("--out=") || arg.equals("--check");
        }
        if (ownOut) {
            TraceSession.main(args.toArray(String[]::new));   // exits with the session's status
            return 0;
        }
        // TraceSession.main ends the JVM, so the session runs as a child and this JVM closes the run.
        Path root = Lab.root();
        RunDirectory run = RunCommand.open(root, "-trace", "trace", List.of());
        List<String> command = new ArrayList<>(List.of(Lab.java()));
        command.addAll(JvmFlags.ALL);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), TraceSession.class.getName(), "--out", run.dir().toString()));
        command.addAll(args);
        int status = new ProcessBuilder(command).inheritIO().start().waitFor();
        Path done = run.finish(status == 0 ? "complete" : "failed");
        Lab.note("trace written to " + Lab.shown(done));
        return status;
    }
}
