package io.contextlab.tracing.probes;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Each probe counts a workload whose count is known. Counts, never times. Needs root and BTF;
 * elsewhere every test is skipped with the reason printed.
 */
class ProbesTest {
    public interface Libc {
        int getppid();
        Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);
        int munmap(Pointer addr, long length);
    }

    static final Libc LIBC = LibraryLoader.create(Libc.class).load("c");
    static final int PID = (int) ProcessHandle.current().pid();

    @BeforeAll
    static void requireTracing() {
        String reason = TracingSupport.unavailableReason();
        if (reason != null) System.out.println("ProbesTest skipped: " + reason);
        assumeTrue(reason == null, reason);
    }

    @Test
    void thousandFutexRoundTripsGiveAtLeastThousandContextSwitches() throws Exception {
        try (var cswitch = new Cswitch(PID); var wakeups = new Wakeups(PID); var runqlat = new Runqlat(PID)) {
            cswitch.attach();
            wakeups.attach();
            runqlat.attach();
            pingPong(1000);
            cswitch.detach();
            wakeups.detach();
            runqlat.detach();
            // Each round trip parks both threads on a futex at least once between them and the
            // waker cannot run the woken thread's code: at least one voluntary switch per trip.
            assertTrue(cswitch.counts().voluntary() >= 1000, "voluntary switches: " + cswitch.counts());
            assertTrue(wakeups.total() >= 1000, "wake-ups: " + wakeups.total());
            assertTrue(runqlat.histogram().total() > 0, "run-queue latency samples");
        }
    }

    @Test
    void fiveHundredGetppidCallsAreCountedUnderGetppid() {
        try (var syscalls = new Syscalls(PID)) {
            LIBC.getppid(); // resolve the binding outside the window
            syscalls.attach();
            for (int i = 0; i < 500; i++) LIBC.getppid();
            syscalls.detach();
            // Nothing else in a JVM calls getppid: the count is exact.
            assertEquals(500, syscalls.count("getppid"), () -> "stats: " + syscalls.stats());
        }
    }

    @Test
    void touchingHundredFreshPagesGivesAtLeastHundredFaults() {
        long pageSize = 4096, length = 100 * pageSize;
        int protReadWrite = 0x3, mapPrivateAnonymous = 0x02 | 0x20;
        Pointer area = LIBC.mmap(null, length, protReadWrite, mapPrivateAnonymous, -1, 0);
        assertTrue(area != null && area.address() != -1, "mmap");
        try (var faults = new Faults(PID)) {
            faults.attach();
            for (long offset = 0; offset < length; offset += pageSize) area.putByte(offset, (byte) 1);
            faults.detach();
            assertTrue(faults.userFaults() >= 100, "user faults: " + faults.userFaults());
        } finally {
            LIBC.munmap(area, length);
        }
    }

    @Test
    void fourSpinnersOnTwoCpusQueueBehindEachOther() throws Exception {
        assumeTrue(io.contextlab.tracing.libbpf.PerfEvents.onlineCpus().size() <= 2,
                "more than two CPUs: four spinners need not queue");
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> spinners = new ArrayList<>();
        try (var runqlen = new Runqlen()) {
            for (int i = 0; i < 4; i++) {
                spinners.add(Thread.ofPlatform().start(() -> {
                    while (!stop.get()) Thread.onSpinWait();
                }));
            }
            runqlen.attach();
            Thread.sleep(300);
            runqlen.detach();
            var all = runqlen.allCpus();
            long queued = 0;
            long[] waiting = all.waiting();
            for (int n = 1; n < waiting.length; n++) queued += waiting[n];
            assertTrue(all.samples() > 0, "no samples at all");
            assertTrue(queued > 0, "no sample saw a waiting task; rq nr_running mean " + ProbeStructs.mean(all.rqNrRunning()));
        } finally {
            stop.set(true);
            for (Thread t : spinners) t.join();
        }
    }

    @Test
    void countOnlyModeCountsAndClearZeroes() throws Exception {
        try (var syscalls = new Syscalls(PID, false)) {
            syscalls.attach();
            for (int i = 0; i < 10; i++) LIBC.getppid();
            syscalls.detach();
            syscalls.clear();
            assertEquals(0, syscalls.count("getppid"));
            syscalls.attach();
            for (int i = 0; i < 7; i++) LIBC.getppid();
            syscalls.detach();
            assertEquals(7, syscalls.count("getppid"));
        }
    }

    /** A token passed back and forth; each side parks until it holds it. */
    static void pingPong(int roundTrips) throws InterruptedException {
        var token = new java.util.concurrent.atomic.AtomicInteger();
        Thread main = Thread.currentThread();
        Thread partner = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < roundTrips; i++) {
                while (token.get() != 1) LockSupport.park();
                token.set(0);
                LockSupport.unpark(main);
            }
        });
        for (int i = 0; i < roundTrips; i++) {
            token.set(1);
            LockSupport.unpark(partner);
            while (token.get() != 0) LockSupport.park();
        }
        partner.join();
    }
}
