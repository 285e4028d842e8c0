package io.contextlab.lab.references;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text the cross-check programs print (jmh/src/main/c/crosscheck/*.c): one line per figure,
 * its name, its settings as key=value, its unit followed by a colon, then every round's value:
 * <pre>  getppid threads=2 calls=1000000 ns/op: 83.1 82.9 84.0 …</pre>
 * The programs print raw rounds and no statistics; they are taken here, once. A probe's figure is
 * the mean of its rounds (equal rounds: total time over total operations), the statistic of the
 * JMH iteration it is paired with (avgt: an iteration's time over its operations), so that a
 * burst of interference weighs alike on both sides of a pair.
 */
record ProgramOutput(String name, Map<String, String> settings, String unit, List<Double> samples) {

    static List<ProgramOutput> parse(String text) {
        List<ProgramOutput> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) continue;
            String[] tokens = line.strip().split("\\s+");
            Map<String, String> settings = new LinkedHashMap<>();
            int i = 1;
            for (; i < tokens.length && !tokens[i].endsWith(":"); i++) {
                int eq = tokens[i].indexOf('=');
                if (eq <= 0) throw new IllegalArgumentException("not a figure line (" + tokens[i] + "): " + line);
                settings.put(tokens[i].substring(0, eq), tokens[i].substring(eq + 1));
            }
            if (i == tokens.length) throw new IllegalArgumentException("no 'unit:' in: " + line);
            String unit = tokens[i].substring(0, tokens[i].length() - 1);
            List<Double> samples = new ArrayList<>();
            for (i++; i < tokens.length; i++) samples.add(Double.valueOf(tokens[i]));
            out.add(new ProgramOutput(tokens[0], settings, unit, List.copyOf(samples)));
        }
        return out;
    }

    String setting(String key) {
        String v = settings.get(key);
        if (v == null) throw new IllegalArgumentException("no " + key + "= in the " + name + " line");
        return v;
    }

    double mean() {
        return samples.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** The middle value (the mean of the middle two for an even count); NaN for none. */
    static double median(List<Double> values) {
        if (values.isEmpty()) return Double.NaN;
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
