package io.contextlab.switches;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/*
 * Claim (second article): a protothread's automatic local does not survive a yield. The
 * behaviour behind ProtothreadLocals.yieldWithLocal's localsPreservedPerYield, not its time.
 */
class ProtothreadLocalsTest {
    @Test
    void noYieldKeepsTheAutomaticLocal() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pt = Coroutines.protothreadWithLocal(arena);
            assertEquals(0, Coroutines.protothreadLocalLoop(pt, 1), "the first resume only starts the body: nothing to check yet");
            assertEquals(1000, Coroutines.protothreadLocalLoop(pt, 1000), "one check per resume after a yield");
            assertEquals(0, Coroutines.protothreadLocalsPreserved(pt), "the local is back to its entry value after every yield");
        }
    }

    @Test
    void theBenchmarkReportsAFractionOfZeroPerIteration() {
        ProtothreadLocals bench = new ProtothreadLocals();
        bench.create();
        try {
            bench.startCounting();
            assertEquals(Double.NaN, bench.fraction(), "no resumes yet: no checks, no fraction");
            bench.yieldWithLocal();
            assertEquals(0.0, bench.fraction(), "localsPreservedPerYield");
            bench.startCounting();
            bench.yieldWithLocal();
            assertEquals(0.0, bench.fraction(), "the next iteration counts its own checks");
        } finally {
            bench.free();
        }
    }
}
