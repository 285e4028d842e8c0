package io.contextlab.tracing.probes;

import io.contextlab.tracing.probes.ProbeStructs.ContextCpu;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a context reading says about interference, from counts alone (no BPF needed). */
class ContextReadingTest {
    private static final long PERIOD_NS = 5_025_126;   // 199 Hz
    private static final long ITERATION_NS = 200_000_000;

    /** CPU 0 sampled 40 times: the target in {@code target} samples, other processes in {@code others}. */
    private static Context.Reading cpu0(long target, long others) {
        ContextCpu cpu = new ContextCpu(0, 0, 0, 40, 0, 0, target, 0, 0, 0, others);
        return new Context.Reading(Map.of(0, cpu), ITERATION_NS, PERIOD_NS);
    }

    @Test
    void aLoneSampleOfAnotherProcessIsAboveTheShareButNotSeen() {
        Context.Reading r = cpu0(39, 1);
        assertEquals(1 / 39.8, r.othersOnTargetCpus(0.25), 1e-3, "one sample is 2.5 % of a 200 ms iteration");
        assertFalse(r.othersSeen(0.25, 0.02, 2));
    }

    @Test
    void twoSamplesAboveTheShareAreSeen() {
        assertTrue(cpu0(38, 2).othersSeen(0.25, 0.02, 2));
    }

    @Test
    void otherProcessesOnACpuTheTargetBarelyUsedDoNotCount() {
        assertFalse(cpu0(5, 30).othersSeen(0.25, 0.02, 2), "the target ran an eighth of the time there");
    }
}
