// STUB: replaced by h-env at merge
package io.contextlab.lab.env;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Stub of the measurement environment (the env helper's port of scripts/doctor.py). */
public final class Environment {
    private final Map<String, Object> facts;

    private Environment(Map<String, Object> facts) {
        this.facts = facts;
    }

    public static Environment collect(String javaCommand) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("kernel", System.getProperty("os.version"));
        facts.put("jdk", Map.of("version", System.getProperty("java.version")));
        return new Environment(facts);
    }

    public Map<String, Object> facts() {
        return facts;
    }

    public List<String> warnings() {
        return List.of();
    }

    public void print(PrintStream out) {
        facts.forEach((k, v) -> out.printf("%-24s %s%n", k, v));
    }
}
