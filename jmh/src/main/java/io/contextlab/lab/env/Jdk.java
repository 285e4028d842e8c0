package io.contextlab.lab.env;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmarks' JDK, as its own {@code -XshowSettings:properties -version} says: version,
 * vendor, VM and banner, never its path (that is this machine's, not the run's).
 */
final class Jdk {
    private Jdk() {}

    /** The facts of the JDK behind {@code java}; null when it does not answer. */
    static Map<String, Object> facts(String java) {
        return Commands.run(Duration.ofSeconds(30), List.of(java, "-XshowSettings:properties", "-version"))
                .filter(o -> !o.timedOut()).map(o -> parse(o.stderr())).orElse(null);
    }

    /** The JDK facts from the text of {@code java -XshowSettings:properties -version}. */
    static Map<String, Object> parse(String text) {
        Map<String, String> props = new LinkedHashMap<>();
        String banner = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("    ") && !line.startsWith("     ") && line.contains(" = ")) {
                String kv = line.substring(4);
                int eq = kv.indexOf(" = ");
                props.put(kv.substring(0, eq), kv.substring(eq + 3).strip());
            } else if (banner == null && !line.startsWith(" ") && line.contains("version")) {
                banner = line.strip();
            }
        }
        Map<String, Object> jdk = new LinkedHashMap<>();
        jdk.put("version", props.get("java.version"));
        jdk.put("vendor", props.get("java.vendor"));
        jdk.put("vm", props.get("java.vm.name"));
        jdk.put("vm_version", props.get("java.vm.version"));
        jdk.put("banner", banner);
        return jdk;
    }

    /** The warning when {@code version} (java.version) is not a JDK 25 or later; null when it is. */
    static String warning(String version) {
        Integer major = null;
        if (version != null) {
            try {
                major = Integer.valueOf(version.split("[.+-]")[0]);
            } catch (NumberFormatException e) {
                major = null;
            }
        }
        return major == null || major < 25 ? "no JDK >= 25: set JAVA_HOME to one" : null;
    }
}
