package io.contextlab.switches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.contextlab.natives.SyscallCounter;
import io.contextlab.switches.Coroutines.Stackful;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * The syscalls each C switch makes, counted exactly by the kernel's tracepoints (SyscallCounter).
 * Needs root or CAP_PERFMON and tracefs; without them the tests are skipped with the reason.
 */
class SwitchSyscallsTest {
    private static final int ROUND_TRIPS = 1000; // 2000 one-way switches

    private static SyscallCounter.Counts count(Stackful kind) {
        MemorySegment coroutine = Coroutines.create(kind);
        try {
            return SyscallCounter.count(Coroutines.pingPongSymbol(kind), coroutine, ROUND_TRIPS);
        } catch (UnsupportedOperationException e) {
            assumeTrue(false, "cannot count syscalls: " + e.getMessage());
            throw e;
        } finally {
            Coroutines.free(kind, coroutine);
        }
    }

    @Test
    void swapcontextMakesExactlyOneRtSigprocmaskAndNothingElse() {
        SyscallCounter.Counts counts = count(Stackful.UCONTEXT);
        assertEquals(2 * ROUND_TRIPS, counts.rtSigprocmask(), "rt_sigprocmask calls for " + 2 * ROUND_TRIPS + " swapcontext");
        assertEquals(2 * ROUND_TRIPS, counts.all(), "syscalls of any kind for " + 2 * ROUND_TRIPS + " swapcontext");
    }

    @Test
    void setjmpWithoutMaskAndAsmSwitchStayInUserSpace() {
        assertEquals(new SyscallCounter.Counts(0, 0), count(Stackful.SETJMP));
        assertEquals(new SyscallCounter.Counts(0, 0), count(Stackful.ASM));
        assertEquals(new SyscallCounter.Counts(0, 0), count(Stackful.ASM_JMP));
    }

    /** sigsetjmp(env, 1) reads the mask, siglongjmp sets it: two per one-way switch. */
    @Test
    void sigsetjmpSavingTheMaskMakesTwoRtSigprocmaskPerSwitch() {
        SyscallCounter.Counts counts = count(Stackful.SIGSETJMP_SAVING_MASK);
        assertEquals(4 * ROUND_TRIPS, counts.rtSigprocmask());
        assertEquals(4 * ROUND_TRIPS, counts.all());
    }
}
