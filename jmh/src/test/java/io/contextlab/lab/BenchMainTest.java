package io.contextlab.lab;

import io.contextlab.platform.JvmFlags;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class BenchMainTest {
    private static final String FLAGS = String.join(" ", JvmFlags.ALL);
    private static final String FIGURES = FiguresProfiler.class.getName();

    @Test
    void prependsForkFlagsWhenNoneGiven() {
        assertArrayEquals(new String[] {"-jvmArgsPrepend", FLAGS, "-prof", FIGURES, "-f", "1", "syscalls"},
                BenchMain.withForkFlags(new String[] {"-f", "1", "syscalls"}));
    }

    @Test
    void mergesWithTheUsersOwnPrepend() {
        assertArrayEquals(new String[] {"-jvmArgsPrepend", FLAGS + " -Xmx1g", "-prof", FIGURES, "x"},
                BenchMain.withForkFlags(new String[] {"-jvmArgsPrepend", "-Xmx1g", "x"}));
    }

    @Test
    void doesNotAddTheFiguresProfilerTwice() {
        assertArrayEquals(new String[] {"-jvmArgsPrepend", FLAGS, "-prof", FIGURES},
                BenchMain.withForkFlags(new String[] {"-prof", FIGURES}));
    }
}
