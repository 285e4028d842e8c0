package io.contextlab.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** `lab report [RUN…]`: the Python analysis (`python3 -m contextlab report`, in notebooks/) on runs. */
@Command(name = "report", description = "execute the notebooks on a run (default: the newest) into RUN/report/")
final class ReportCommand implements Callable<Integer> {
    /** Debian's python, which has the notebook stack; not the first python on PATH. */
    static final String PYTHON = "/usr/bin/python3";

    @Parameters(paramLabel = "RUN", arity = "0..*", description = "a run directory or its name under datasets/runs")
    List<String> runs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        return report(runs);
    }

    /** Runs the report on {@code args}; returns its exit status. */
    static int report(List<String> args) throws IOException, InterruptedException {
        return python("report", args);
    }

    /** `python3 -m contextlab <analysis> args…` in notebooks/ (paths made absolute); returns its exit status. */
    static int python(String analysis, List<String> args) throws IOException, InterruptedException {
        Path notebooks = Lab.root().resolve("notebooks");
        List<String> command = new ArrayList<>(List.of(PYTHON, "-m", "contextlab", analysis));
        for (String arg : args) {
            Path asPath = Path.of(arg);   // the user's paths are relative to where they are, not to notebooks/
            command.add(!arg.startsWith("-") && Files.exists(asPath) ? asPath.toAbsolutePath().toString() : arg);
        }
        try {
            return new ProcessBuilder(command).directory(notebooks.toFile()).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new LabException("cannot start " + PYTHON + " for the " + analysis + ": install Debian's python3 ("
                    + e.getMessage() + ")");
        }
    }
}
