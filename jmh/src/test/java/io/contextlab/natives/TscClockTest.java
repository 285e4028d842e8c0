package io.contextlab.natives;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The measured clock is a clock: positive, and the same rate twice (it is a property of the CPU). */
class TscClockTest {

    @Test
    void tscRateIsPositiveAndStableAcrossTwoCalibrations() {
        double first = TscClock.hz(3, 20);
        double second = TscClock.hz(3, 20);
        assertTrue(first > 0 && second > 0, "rates " + first + ", " + second);
        assertTrue(Math.abs(first - second) / first < 0.01,
                "two calibrations differ by more than 1%: " + first + " vs " + second);
    }

    @Test
    void badArgumentsAreRefusedWithTheRange() {
        assertThrows(IllegalArgumentException.class, () -> TscClock.hz(0, 10));
        assertThrows(IllegalArgumentException.class, () -> TscClock.hz(3, 0));
    }
}
