package io.contextlab.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `lab compare RUN_A RUN_B [RUN_C…] [--out DIR]`: the Python analysis (`python3 -m contextlab compare`). */
@Command(name = "compare", description = {"compare runs with the first: ratios with 95% intervals, the metadata facts "
        + "that differ, verdict changes and likely causes, into compare.json and compare.html"})
final class CompareCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RUN", arity = "2..*", description = "run directories or names under datasets/runs; the first is A")
    List<String> runs = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "where the two files go (default: <last run>/compare)")
    String out;

    @Override
    public Integer call() throws Exception {
        List<String> args = new ArrayList<>(runs);
        if (out != null) {
            args.add("--out");
            args.add(out);
        }
        return ReportCommand.python("compare", args);
    }
}
