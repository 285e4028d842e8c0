package io.contextlab.lab.references;

import com.google.gson.annotations.SerializedName;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One line of crosscheck.jsonl ({@code contextlab.crosscheck/1}): an outside figure, the JMH
 * figure it checks (same benchmark, params and metric, in the same unit), their ratio and the
 * verdict. The one rule, here and nowhere else: agrees when |ratio - 1| &lt;= tolerance, differs
 * outside it, info when the tolerance is null (shown, not judged), not-measured when the run has
 * no JMH figure for it.
 */
public record CrossCheck(String format, String suite, String check, String benchmark, Map<String, String> params,
                         String metric, String unit, Reference reference, Double measured, Double ratio,
                         @SerializedName("ratio_ci") List<Double> ratioCi, int pairs, Double tolerance, String verdict) {

    public static final String FORMAT = "contextlab.crosscheck/1";
    public static final String PRIMARY = "primary";
    /** Slack for the tolerance edge: 115/100 is 1.15 in decimal, 1.1500000000000001 in binary. */
    private static final double EDGE = 1e-9;

    /** The outside side: the program and its arguments (no paths), how the value was made, every round's value. */
    public record Reference(String command, String method, double value, List<Double> samples) {
        public Reference {
            if (!Double.isFinite(value)) throw new IllegalArgumentException("no figure from " + command + " (" + value + ")");
            samples = List.copyOf(samples);
        }
    }

    /**
     * What a reference checks: a named check against a JMH benchmark (null: shown for
     * information, no JMH counterpart) at some of its params, on its primary or a secondary
     * metric, in {@code unit}, held to {@code tolerance} (null: info).
     */
    public record Spec(String check, String benchmark, Map<String, String> params, String metric, String unit,
                       Double tolerance) {
        public Spec {
            params = params == null ? Map.of() : Map.copyOf(params);
        }
    }

    /** An outside figure and what it checks, before the join. */
    public record Outside(Spec spec, Reference reference) {}

    /** A JMH result reduced to what the join reads: name, params, and each metric's score and unit. */
    public record Measured(String benchmark, Map<String, String> params, Map<String, Score> metrics) {}

    public record Score(double value, String unit) {}

    /** The check of an outside figure against the suite's JMH results. */
    public static CrossCheck join(String suite, Outside outside, Collection<RunResult> results) {
        Spec spec = outside.spec();
        return judge(suite, spec, outside.reference(), find(spec, results.stream().map(CrossCheck::measured).toList()));
    }

    /** Every outside figure joined with the results of the context's run. */
    static List<CrossCheck> joinAll(String suite, List<Outside> outside, ReferenceContext context) {
        return outside.stream().map(o -> join(suite, o, context.results())).toList();
    }

    /**
     * The JMH result a check compares with: same benchmark, and every param the check names equal
     * (a check may name fewer params than the benchmark has); an exact params match first.
     */
    static Optional<Measured> find(Spec spec, List<Measured> results) {
        if (spec.benchmark() == null) return Optional.empty();
        List<Measured> candidates = results.stream()
                .filter(m -> m.benchmark().equals(spec.benchmark())
                        && spec.params().entrySet().stream().allMatch(e -> e.getValue().equals(m.params().get(e.getKey()))))
                .toList();
        return candidates.stream().filter(m -> m.params().equals(spec.params())).findFirst()
                .or(() -> candidates.stream().findFirst());
    }

    /** Ratio and verdict of a reference against the JMH result {@code found} (empty: not in this run). */
    static CrossCheck judge(String suite, Spec spec, Reference reference, Optional<Measured> found) {
        Double measured = found.map(m -> m.metrics().get(spec.metric()))
                .map(score -> inUnit(score, spec.unit(), spec)).filter(Double::isFinite).orElse(null);
        Map<String, String> params = new TreeMap<>(found.map(Measured::params).orElse(spec.params()));
        Double ratio = measured == null || reference.value() == 0 ? null : measured / reference.value();
        String verdict;
        if (spec.benchmark() == null) {
            verdict = "info";
        } else if (measured == null) {
            verdict = "not-measured";
        } else if (spec.tolerance() == null) {
            verdict = "info";
        } else if (ratio == null) {  // a reference of exactly 0: only 0 agrees with it
            verdict = measured == 0 ? "agrees" : "differs";
        } else {
            verdict = Math.abs(ratio - 1) <= spec.tolerance() + EDGE ? "agrees" : "differs";
        }
        return new CrossCheck(FORMAT, suite, spec.check(), spec.benchmark(), params, spec.metric(), spec.unit(),
                reference, measured, ratio, null, 1,
                spec.tolerance(), verdict);
    }

    /** A score converted to {@code unit}: equal units, or time per the same thing (ns/op, us/op, ...). */
    static double inUnit(Score score, String unit, Spec spec) {
        if (score.unit().equals(unit)) return score.value();
        double from = nanos(score.unit()), to = nanos(unit);
        String[] a = score.unit().split("/", 2), b = unit.split("/", 2);
        if (Double.isNaN(from) || Double.isNaN(to) || a.length < 2 || b.length < 2 || !a[1].equals(b[1])) {
            throw new IllegalArgumentException("check '" + spec.check() + "': JMH reports " + spec.benchmark() + " "
                    + spec.metric() + " in " + score.unit() + ", which does not convert to " + unit);
        }
        return score.value() * from / to;
    }

    private static double nanos(String unit) {
        return switch (unit.split("/", 2)[0]) {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            default -> Double.NaN;
        };
    }

    /** A JMH RunResult as the join sees it; secondary metrics by label, JMH's "·" prefix dropped. */
    static Measured measured(RunResult r) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String key : r.getParams().getParamsKeys()) params.put(key, r.getParams().getParam(key));
        Map<String, Score> metrics = new LinkedHashMap<>();
        Result<?> primary = r.getPrimaryResult();
        metrics.put(PRIMARY, new Score(primary.getScore(), primary.getScoreUnit()));
        for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
            metrics.put(e.getKey().replaceFirst("^\u00b7", "").strip(), new Score(e.getValue().getScore(), e.getValue().getScoreUnit()));
        }
        return new Measured(r.getParams().getBenchmark(), params, metrics);
    }
}
