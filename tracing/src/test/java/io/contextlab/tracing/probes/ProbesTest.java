package io.contextlab.tracing.probes;

import io.contextlab.platform.libc.Libc;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
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
    static final MethodHandle GETPPID = Libc.downcall("getppid", FunctionDescriptor.of(ValueLayout.JAVA_INT));
    static final MethodHandle MMAP = Libc.downcall("mmap", FunctionDescriptor.of(ValueLayout.ADDRESS,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    static final MethodHandle MUNMAP = Libc.downcall("munmap", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));

    static int getppid() {
        try {
            return (int) GETPPID.invokeExact();
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
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
            getppid(); // resolve the binding outside the window
            syscalls.attach();
            for (int i = 0; i < 500; i++) getppid();
            syscalls.detach();
            // Nothing else in a JVM calls getppid: the count is exact.
            assertEquals(500, syscalls.count("getppid"), () -> "stats: " + syscalls.stats());
        }
    }

    @Test
    void touchingHundredFreshPagesGivesAtLeastHundredFaults() {
        long pageSize = 4096, length = 100 * pageSize;
        int protReadWrite = 0x3, mapPrivateAnonymous = 0x02 | 0x20;
        MemorySegment area;
        try {
            area = ((MemorySegment) MMAP.invokeExact(MemorySegment.NULL, length, protReadWrite, mapPrivateAnonymous, -1, 0L)).reinterpret(length);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        assertTrue(area.address() != 0 && area.address() != -1, "mmap");
        try (var faults = new Faults(PID)) {
            faults.attach();
            for (long offset = 0; offset < length; offset += pageSize) area.set(ValueLayout.JAVA_BYTE, offset, (byte) 1);
            faults.detach();
            assertTrue(faults.userFaults() >= 100, "user faults: " + faults.userFaults());
        } finally {
            try {
                int rc = (int) MUNMAP.invokeExact(area, length);
            } catch (Throwable t) {
                throw Libc.rethrow(t);
            }
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
            for (int i = 0; i < 10; i++) getppid();
            syscalls.detach();
            syscalls.clear();
            assertEquals(0, syscalls.count("getppid"));
            syscalls.attach();
            for (int i = 0; i < 7; i++) getppid();
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
