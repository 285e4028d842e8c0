package io.contextlab.natives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contextlab.platform.proc.ProcFs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Each native loop does the work it claims: counts, bytes and kernel answers, never timings. */
class SyscallsTest {

    /** Field 4 of /proc/self/stat, read by the kernel's own accounting, not by a syscall we made. */
    private static long parentPidFromProc() {
        return ProcFs.stat().ppid();
    }

    @Test
    void emptyLoopAndCallLoopRunEveryIteration() {
        assertEquals(1000, Syscalls.loopEmpty(1000));
        assertEquals(1000, Syscalls.loopCall(1000));
    }

    @Test
    void getppidLoopReturnsTheParentPidEveryTime() throws Exception {
        long ppid = parentPidFromProc();
        assertEquals(ppid * 500, Syscalls.loopGetppid(500));
        assertEquals(ProcessHandle.current().parent().orElseThrow().pid(), ppid);
    }

    @Test
    void readLoopReadsOneByteEachCall() {
        int fd = Syscalls.open("/dev/zero", Syscalls.O_RDONLY);
        try {
            assertEquals(777, Syscalls.loopRead1(fd, 777));
        } finally {
            Syscalls.close(fd);
        }
    }

    @Test
    void writeLoopWritesOneByteEachCall() throws Exception {
        Path file = Files.createTempFile("contextlab", ".bin");
        int fd = Syscalls.open(file.toString(), Syscalls.O_WRONLY);
        try {
            assertEquals(321, Syscalls.loopWrite1(fd, 321));
            assertEquals(321, Files.size(file), "every one-byte write reached the file");
        } finally {
            Syscalls.close(fd);
            Files.delete(file);
        }
    }

    @Test
    void readFromAClosedFdReportsTheError() {
        int fd = Syscalls.open("/dev/zero", Syscalls.O_RDONLY);
        Syscalls.close(fd);
        assertEquals(-1, Syscalls.loopRead1(fd, 10));
    }

    @Test
    void clockLoopReadsTheMonotonicClock() {
        assertTrue(Syscalls.loopClockGettime(100) > 0);
    }
}
