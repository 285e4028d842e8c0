package io.contextlab.natives;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

/**
 * Binding to tsc.c: the TSC's rate in Hz, measured against CLOCK_MONOTONIC (the median of a few
 * rounds of rdtsc across a short sleep). It turns ns into cycles on machines whose CPU model
 * string carries no "@ x GHz", and is the measured clock rather than the nominal one.
 */
public final class TscClock {
    /** Rounds and the sleep of each: about 5 x 60 ms = 0.3 s per calibration. */
    public static final int ROUNDS = 5;
    public static final int SLEEP_MS = 60;

    private static final MethodHandle TSC_HZ = NativeLibrary.downcall("cl_tsc_hz",
            FunctionDescriptor.of(JAVA_DOUBLE, JAVA_INT, JAVA_INT));

    private TscClock() {}

    /** TSC ticks per second: the median of {@code rounds} rounds of a {@code sleepMs} sleep. */
    public static double hz(int rounds, int sleepMs) {
        double hz;
        try {
            hz = (double) TSC_HZ.invokeExact(rounds, sleepMs);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
        if (hz <= 0) throw new IllegalArgumentException("TSC calibration needs 1..31 rounds of >= 1 ms, got " + rounds + " x " + sleepMs + " ms");
        return hz;
    }

    /** The default calibration (ROUNDS x SLEEP_MS). */
    public static double hz() {
        return hz(ROUNDS, SLEEP_MS);
    }
}
