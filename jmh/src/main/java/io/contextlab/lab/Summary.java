package io.contextlab.lab;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/** The summary table a run ends with: benchmark, params, score ± error, unit — from JMH's RunResults. */
final class Summary {
    private Summary() {}

    static void print(Collection<RunResult> results, PrintStream out) {
        if (results.isEmpty()) {
            out.println("no benchmark results in this run");
            return;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"BENCHMARK", "PARAMS", "SCORE", "±", "ERROR", "UNIT"});
        for (RunResult r : results) {
            BenchmarkParams p = r.getParams();
            List<String> params = new ArrayList<>();
            for (String key : p.getParamsKeys()) {
                params.add(key + "=" + p.getParam(key));
            }
            Result<?> primary = r.getPrimaryResult();
            rows.add(new String[] {p.getBenchmark().replaceFirst("^io\\.contextlab\\.", ""), String.join(",", params),
                    number(primary.getScore()), "±", number(primary.getScoreError()), primary.getScoreUnit()});
        }
        int[] width = new int[6];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            out.println(String.format(Locale.ROOT, "%-" + width[0] + "s  %-" + width[1] + "s  %" + width[2] + "s %s %-"
                    + width[4] + "s  %s", (Object[]) row).stripTrailing());
        }
    }

    private static String number(double x) {
        if (Double.isNaN(x)) {
            return "NaN";
        }
        return String.format(Locale.ROOT, Math.abs(x) >= 1000 ? "%.0f" : Math.abs(x) >= 10 ? "%.2f" : "%.3f", x);
    }
}
