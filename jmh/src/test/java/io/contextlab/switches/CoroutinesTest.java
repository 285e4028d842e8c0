package io.contextlab.switches;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.contextlab.natives.NativeLibrary;
import io.contextlab.switches.Coroutines.Stackful;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CoroutinesTest {
    /**
     * The library's assembly switch lies on the same page as the ping-pong loop that calls it
     * (asm_switch.c's header: a page between them made the rung dearer than its cross-check's loop).
     */
    @Test
    void assemblySwitchesShareAPageWithTheLoopThatCallsThem() {
        long loop = NativeLibrary.symbol("cl_asm_pingpong").address();
        for (String name : new String[] {"cl_asm_switch", "cl_asm_switch_jmp"})
            assertEquals(loop / PAGE, NativeLibrary.symbol(name).address() / PAGE, name + " and cl_asm_pingpong");
    }

    private static final long PAGE = 4096;

    @Test
    void switchCaseGeneratorYieldsZeroToNineInOrderThenStops() {
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, Coroutines.generatorCollect(10, 100));
    }

    @Test
    void switchCaseGeneratorLoopResumesExactlyNTimes() {
        assertEquals(999L * 1000 / 2, Coroutines.generatorLoop(1000)); // 0 + 1 + ... + 999
    }

    /**
     * Protothreads (second article): a local variable does not survive a yield. The switch-case
     * generator re-enters its function on every resume, so a local set before the yield is back to
     * its initial value after it; only what is kept in the generator's struct survives.
     */
    @Test
    void switchCaseGeneratorLosesALocalAcrossAYieldButKeepsItsStruct() {
        assertEquals(0, Coroutines.generatorValueAfterYield(false), "the local set to 42 before the yield");
        assertEquals(42, Coroutines.generatorValueAfterYield(true), "the same value kept in the struct");
    }

    /** 'A','B' alternate, and every frame of both 300-frame-deep sides keeps its locals. */
    @ParameterizedTest
    @EnumSource(Stackful.class)
    void stackfulCoroutinesInterleaveAndKeepLocalsOnDeepStacks(Stackful kind) {
        int rounds = 50;
        Coroutines.Interleaving result = Coroutines.interleave(kind, rounds, 300);
        assertEquals("AB".repeat(rounds), result.trace());
        assertEquals(0, result.corrupt(), "frames whose locals changed across a switch (-1: coroutine never finished)");
    }

    @ParameterizedTest
    @EnumSource(Stackful.class)
    void pingPongResumesTheCoroutineOncePerRoundTrip(Stackful kind) {
        MemorySegment coroutine = Coroutines.create(kind);
        try {
            assertEquals(1000, Coroutines.pingPong(kind, coroutine, 1000));
            assertEquals(1500, Coroutines.pingPong(kind, coroutine, 500));
        } finally {
            Coroutines.free(kind, coroutine);
        }
    }

    /** Bit mask of rbx, rbp, r12-r15, MXCSR, x87 CW that did not survive a round trip; 0 = all did. */
    @ParameterizedTest
    @EnumSource(value = Stackful.class, names = {"ASM", "ASM_JMP"})
    void asmSwitchPreservesEveryCalleeSavedRegisterMxcsrAndX87ControlWord(Stackful kind) {
        assertEquals(0, Coroutines.asmProbeCalleeSaved(kind, 100), "mask bit 0 rbx, 1 rbp, 2 r12, 3 r13, 4 r14, 5 r15, 6 MXCSR, 7 x87 CW");
    }
}
