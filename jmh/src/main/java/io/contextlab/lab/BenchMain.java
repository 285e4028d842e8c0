package io.contextlab.lab;

import io.contextlab.platform.JvmFlags;

import java.util.ArrayList;
import java.util.List;

/**
 * Main-Class of benchmarks.jar: JMH's own command line, with {@link JvmFlags.ALL} prepended to
 * every fork's JVM arguments and {@link FiguresProfiler} always on, so `java -jar benchmarks.jar`
 * works without extra flags and every recorded figure reaches the results.
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        org.openjdk.jmh.Main.main(withForkFlags(args));
    }

    static String[] withForkFlags(String[] args) {
        List<String> out = new ArrayList<>();
        String prepend = String.join(" ", JvmFlags.ALL);
        boolean merged = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("-jvmArgsPrepend") && i + 1 < args.length) {
                out.add(args[i]);
                out.add(prepend + " " + args[++i]);
                merged = true;
            } else {
                out.add(args[i]);
            }
        }
        if (!merged) {
            out.add(0, prepend);
            out.add(0, "-jvmArgsPrepend");
        }
        if (!out.contains(FiguresProfiler.class.getName())) {
            out.add(2, FiguresProfiler.class.getName());
            out.add(2, "-prof");
        }
        return out.toArray(String[]::new);
    }
}
