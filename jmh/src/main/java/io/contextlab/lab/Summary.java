package io.contextlab.lab;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * The summary table a run ends with: suite, benchmark, params, score ± error, unit — from JMH's
 * RunResults — and, for a result whose iterations the eBPF context found disturbed (an
 * involuntary switch, steal, or a task waiting on its CPU), the share of them.
 */
final class Summary {
    private Summary() {}

    /** {@code results}: each suite's RunResults, in the order the suites ran. */
    static void print(Map<String, Collection<RunResult>> results, PrintStream out) {
        if (results.values().stream().allMatch(Collection::isEmpty)) {
            out.println("no benchmark results in this run");
            return;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"SUITE", "BENCHMARK", "PARAMS", "SCORE", "±", "ERROR", "UNIT", "DISTURBED"});
        results.forEach((suite, runResults) -> runResults.forEach(r -> rows.add(row(suite, r))));
        int[] width = new int[8];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            out.println(String.format(Locale.ROOT, "%-" + width[0] + "s  %-" + width[1] + "s  %-" + width[2] + "s  %"
                    + width[3] + "s %s %-" + width[5] + "s  %-" + width[6] + "s  %s", (Object[]) row).stripTrailing());
        }
    }

    /**
     * One line per suite or step that did not measure everything it was asked to: partial (the
     * benchmarks that failed named), failed, with the reason; nothing when all measured or were
     * skipped by choice.
     */
    static void printFates(Map<String, RunMetadata.SuiteStatus> suites, PrintStream out) {
        suites.forEach((name, s) -> {
            if ("partial".equals(s.status()) || "failed".equals(s.status())) {
                out.println(name + ": " + s.status() + (s.reason() == null ? "" : " - " + s.reason()));
            }
        });
    }

    private static String[] row(String suite, RunResult r) {
        BenchmarkParams p = r.getParams();
        List<String> params = new ArrayList<>();
        for (String key : p.getParamsKeys()) {
            params.add(key + "=" + p.getParam(key));
        }
        Result<?> primary = r.getPrimaryResult();
        return new String[] {suite, p.getBenchmark().replaceFirst("^io\\.contextlab\\.", ""), String.join(",", params),
                number(primary.getScore()), "±", number(primary.getScoreError()), primary.getScoreUnit(), disturbed(r)};
    }

    /** "67%" when that share of the iterations was disturbed, blank when none was or nothing traced. */
    private static String disturbed(RunResult r) {
        Result<?> share = r.getAggregatedResult().getSecondaryResults().get("ebpf.disturbed");
        if (share == null || !(share.getScore() > 0)) {
            return "";
        }
        return String.format(Locale.ROOT, "%.0f%%", 100 * share.getScore());
    }

    private static String number(double x) {
        if (Double.isNaN(x)) {
            return "NaN";
        }
        return String.format(Locale.ROOT, Math.abs(x) >= 1000 ? "%.0f" : Math.abs(x) >= 10 ? "%.2f" : "%.3f", x);
    }
}
