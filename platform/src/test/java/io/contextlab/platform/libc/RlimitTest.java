package io.contextlab.platform.libc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RlimitTest {
    @Test
    void softLimitRisesToTheHardOne() {
        long[] before = Rlimit.fdLimit();
        assertTrue(Long.compareUnsigned(before[0], before[1]) <= 0, "soft " + before[0] + " above hard " + before[1]);
        long soft = Rlimit.raiseFdLimitToHard();
        assertEquals(before[1], soft);
        assertEquals(soft, Rlimit.fdLimit()[0]);
    }
}
