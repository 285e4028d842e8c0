package io.contextlab.syscalls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Every crossing path reaches the same C function, and getpid through each is this JVM's pid. */
class CrossingsTest {
    private static final long PID = ProcessHandle.current().pid();

    @Test
    void emptyFunctionAnswersThroughEveryPath() {
        assertEquals(42, Crossings.empty());
        assertEquals(42, Crossings.emptyCritical());
        assertEquals(42, CrossingsJnr.LIBRARY.cl_crossing_empty());
        assertEquals(42, CrossingsJnr.LIBRARY_IGNORING_ERRNO.cl_crossing_empty());
        assertEquals(42, CrossingsJni.empty());
    }

    @Test
    void getpidAnswersThroughEveryPath() {
        assertEquals(PID, Crossings.getpid());
        assertEquals(PID, Crossings.getpidCritical());
        assertEquals(PID, CrossingsJnr.LIBRARY.getpid());
        assertEquals(PID, CrossingsJnr.LIBRARY_IGNORING_ERRNO.getpid());
        assertEquals(PID, CrossingsJni.getpid());
    }
}
