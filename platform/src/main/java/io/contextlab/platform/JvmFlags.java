package io.contextlab.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/**
 * The JVM flags every JVM that runs project code needs, read from {@code jvm-flags.properties}
 * beside this class: the one file that spells them (the parent pom reads the same file for the
 * tests). Forks get them through -jvmArgsPrepend, so a benchmark's own
 * {@code @Fork(jvmArgsAppend = ...)} still applies.
 */
public final class JvmFlags {
    public static final List<String> ALL = load();

    private JvmFlags() {}

    private static List<String> load() {
        Properties p = new Properties();
        try (InputStream in = JvmFlags.class.getResourceAsStream("jvm-flags.properties")) {
            if (in == null) {
                throw new IllegalStateException("jvm-flags.properties is missing beside " + JvmFlags.class.getName());
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.of(p.getProperty("contextlab.jvm.flags").trim().split("\\s+"));
    }
}
