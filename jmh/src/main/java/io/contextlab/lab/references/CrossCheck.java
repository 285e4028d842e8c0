package io.contextlab.lab.references;

import com.google.gson.annotations.SerializedName;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

/**
 * One line of crosscheck.jsonl ({@code contextlab.crosscheck/2}): a check measured in k pairs,
 * each pair one round of the outside reference's probes and one measurement iteration of a JMH
 * fork of the benchmark it checks (same benchmark, params and metric, in the same unit; see
 * Pairs and PairedProbes), in an order shuffled per pair from
 * {@code seed}. ratio = median over the pairs of JMH / reference, ratio_ci its 95 % bootstrap
 * interval (over pairs, seeded), spread each side's own relative spread. The one rule, here and
 * nowhere else: agrees when ratio_ci lies within 1 &plusmn; tolerance, differs when it lies wholly
 * outside, drifting when it does neither and both sides' spreads exceed the tolerance (the
 * machine moved between pairs), else inconclusive; info when the tolerance (or the benchmark) is
 * null; not-measured when no pair has a JMH figure for it. {@code note} (its Spec's note), for the
 * report: for an info check, why it is shown rather than judged; for a judged one, what differs in
 * the work the two sides do, where the code says something does (null: nothing known).
 */
public record CrossCheck(String format, String suite, String check, String benchmark, Map<String, String> params,
                         String metric, String unit, Reference reference, Double measured, Double ratio,
                         @SerializedName("ratio_ci") List<Double> ratioCi, int pairs, Double tolerance, String verdict,
                         String note, long seed, @SerializedName("pair_values") List<Pair> pairValues, Spread spread) {

    public static final String FORMAT = "contextlab.crosscheck/2";
    public static final String PRIMARY = "primary";
    /** Issue 16: every judged check is held to 10 %. */
    public static final double TOLERANCE = 0.10;
    /** Bootstrap resamples of the pairs for each interval. */
    static final int RESAMPLES = 2000;
    /** Slack for the tolerance edge: 110/100 is 1.1 in decimal, 1.1000000000000001 in binary. */
    private static final double EDGE = 1e-9;

    /** The outside side: the program and its arguments (no paths), how the value was made, every round's (or pair's) value. */
    public record Reference(String command, String method, double value, List<Double> samples) {
        public Reference {
            if (!Double.isFinite(value)) throw new IllegalArgumentException("no figure from " + command + " (" + value + ")");
            samples = List.copyOf(samples);
        }
    }

    /**
     * What a reference checks: a named check against a JMH benchmark (null: shown for
     * information, no JMH counterpart) at some of its params, on its primary or a secondary
     * metric, in {@code unit}, held to {@code tolerance} (null: info, and {@code note} says why; a
     * judged check's note says what differs in the two sides' work, the report's "why" when it does not agree).
     */
    public record Spec(String check, String benchmark, Map<String, String> params, String metric, String unit,
                       Double tolerance, String note) {
        public Spec {
            params = params == null ? Map.of() : Map.copyOf(params);
        }

        /** A check without a note: a judged one whose two sides do the same work. */
        public Spec(String check, String benchmark, Map<String, String> params, String metric, String unit, Double tolerance) {
            this(check, benchmark, params, metric, unit, tolerance, null);
        }
    }

    /** An outside figure and what it checks: what {@link OutsideReference#measure} returns, one per check. */
    public record Outside(Spec spec, Reference reference) {}

    /** A JMH result reduced to what the join reads: name, params, and each metric's score and unit. */
    public record Measured(String benchmark, Map<String, String> params, Map<String, Score> metrics) {}

    public record Score(double value, String unit) {}

    /** One pair as recorded: which side ran first, the JMH figure, the reference figure, their ratio (nulls: that side gave none). */
    public record Pair(String order, Double measured, Double reference, Double ratio) {}

    /** Each side's own spread over the pairs: the half-width of its median's 95 % bootstrap interval over the median. */
    public record Spread(Double measured, Double reference) {}

    /**
     * The check of {@code spec} from its pairs: {@code pairs} as recorded (each with its order and
     * both figures, either null when that side gave none), {@code reference} the first round's
     * outside figure (its command and method), {@code params} those of the JMH result compared.
     */
    public static CrossCheck of(String suite, Spec spec, Reference first, Map<String, String> params, long seed, List<Pair> pairs) {
        List<Double> refs = finite(pairs.stream().map(Pair::reference).toList());
        List<Double> jmh = finite(pairs.stream().map(Pair::measured).toList());
        List<Double> ratios = finite(pairs.stream().map(Pair::ratio).toList());
        Random random = new Random(seed ^ spec.check().hashCode());
        double[] refCi = interval(refs, random), jmhCi = interval(jmh, random), ratioCi = interval(ratios, random);
        Spread spread = new Spread(relativeHalfWidth(jmhCi, jmh), relativeHalfWidth(refCi, refs));
        Double ratio = ratios.isEmpty() ? null : ProgramOutput.median(ratios);
        String verdict;
        if (spec.benchmark() == null || spec.tolerance() == null) {
            verdict = spec.benchmark() != null && ratios.isEmpty() ? "not-measured" : "info";
        } else if (ratios.isEmpty()) {
            verdict = "not-measured";
        } else {
            verdict = verdict(ratioCi, spread, spec.tolerance());
        }
        Reference reference = new Reference(first.command(), "median of " + refs.size() + " pairs, each: " + first.method(),
                refs.isEmpty() ? first.value() : ProgramOutput.median(refs), refs);
        return new CrossCheck(FORMAT, suite, spec.check(), spec.benchmark(), new TreeMap<>(params), spec.metric(), spec.unit(),
                reference, jmh.isEmpty() ? null : ProgramOutput.median(jmh), ratio,
                ratios.isEmpty() ? null : List.of(ratioCi[0], ratioCi[1]), ratios.size(), spec.tolerance(), verdict,
                spec.note(), seed, List.copyOf(pairs), spread);
    }

    /** agrees, differs, drifting or inconclusive: the interval of the ratio against 1 &plusmn; tolerance. */
    static String verdict(double[] ratioCi, Spread spread, double tolerance) {
        double low = 1 - tolerance - EDGE, high = 1 + tolerance + EDGE;
        if (ratioCi[0] >= low && ratioCi[1] <= high) return "agrees";
        if (ratioCi[1] < low || ratioCi[0] > high) return "differs";
        boolean moved = spread.measured() != null && spread.reference() != null
                && spread.measured() > tolerance && spread.reference() > tolerance;
        return moved ? "drifting" : "inconclusive";
    }

    /** One pair's ratio, JMH over reference; null when either side is missing or the reference is 0. */
    static Double ratio(Double measured, Double reference) {
        if (measured == null || reference == null || !Double.isFinite(measured) || !Double.isFinite(reference) || reference == 0) {
            return null;
        }
        return measured / reference;
    }

    /** The 95 % percentile bootstrap interval of the median of {@code values}; NaNs for none. */
    static double[] interval(List<Double> values, Random random) {
        int n = values.size();
        if (n == 0) return new double[] {Double.NaN, Double.NaN};
        double[] medians = new double[RESAMPLES];
        double[] sample = new double[n];
        for (int b = 0; b < RESAMPLES; b++) {
            for (int i = 0; i < n; i++) sample[i] = values.get(random.nextInt(n));
            Arrays.sort(sample);
            medians[b] = n % 2 == 1 ? sample[n / 2] : (sample[n / 2 - 1] + sample[n / 2]) / 2;
        }
        Arrays.sort(medians);
        return new double[] {medians[(int) Math.floor(0.025 * (RESAMPLES - 1))], medians[(int) Math.ceil(0.975 * (RESAMPLES - 1))]};
    }

    private static Double relativeHalfWidth(double[] ci, List<Double> values) {
        if (values.isEmpty()) return null;
        double median = ProgramOutput.median(values);
        return median == 0 ? null : (ci[1] - ci[0]) / 2 / Math.abs(median);
    }

    private static List<Double> finite(List<Double> values) {
        return values.stream().filter(v -> v != null && Double.isFinite(v)).toList();
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

    /** The figure of {@code spec}'s metric in {@code found}, in the spec's unit; null when absent or not finite. */
    static Double figure(Spec spec, Optional<Measured> found) {
        return found.map(m -> m.metrics().get(spec.metric()))
                .map(score -> inUnit(score, spec.unit(), spec)).filter(Double::isFinite).orElse(null);
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
        return new Measured(r.getParams().getBenchmark(), params(r.getParams()), metrics(r.getPrimaryResult(), r.getSecondaryResults()));
    }

    /** A result's params by name, in JMH's order. */
    static Map<String, String> params(BenchmarkParams p) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String key : p.getParamsKeys()) params.put(key, p.getParam(key));
        return params;
    }

    /** The primary score and each secondary one by label (JMH's "·" prefix dropped): a result's, or one iteration's. */
    static Map<String, Score> metrics(Result<?> primary, Map<String, Result> secondary) {
        Map<String, Score> metrics = new LinkedHashMap<>();
        metrics.put(PRIMARY, new Score(primary.getScore(), primary.getScoreUnit()));
        for (Map.Entry<String, Result> e : secondary.entrySet()) {
            metrics.put(e.getKey().replaceFirst("^\u00b7", "").strip(), new Score(e.getValue().getScore(), e.getValue().getScoreUnit()));
        }
        return metrics;
    }
}
