package io.contextlab.tracing.probes;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Java mirror of contextlab_trace.h decodes and summarises what the maps hold. No root needed. */
class ProbeStructsTest {
    @Test
    void configIsTgidThenPadding() {
        byte[] bytes = new ProbeStructs.ProbeConfig(0x01020304).toBytes();
        assertArrayEquals(new byte[] {4, 3, 2, 1, 0, 0, 0, 0}, bytes);
    }

    @Test
    void log2QuantileFallsInsideItsSlot() {
        long[] slots = new long[ProbeStructs.LOG2_SLOTS];
        slots[10] = 99; // [1024, 2048)
        slots[20] = 1;  // [1 Mi, 2 Mi)
        var h = new ProbeStructs.Log2Histogram(slots);
        double p50 = h.quantile(0.5);
        assertTrue(p50 >= 1024 && p50 < 2048, "p50 " + p50);
        double p100 = h.quantile(1.0);
        assertTrue(p100 >= (1 << 20) && p100 <= (1 << 21), "p100 " + p100);
        assertTrue(Double.isNaN(new ProbeStructs.Log2Histogram(new long[ProbeStructs.LOG2_SLOTS]).quantile(0.5)));
    }

    @Test
    void waitingSubtractsTheRunningTask() {
        ByteBuffer buf = ByteBuffer.allocate(ProbeStructs.RunqHistogram.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(0 * 8, 5);   // idle: nr_running 0
        buf.putLong(1 * 8, 3);   // one running, none waiting
        buf.putLong(3 * 8, 2);   // three runnable: two waiting
        var h = ProbeStructs.RunqHistogram.decode(buf.array());
        long[] waiting = h.waiting();
        assertEquals(8, waiting[0]);
        assertEquals(2, waiting[2]);
        assertEquals(10, h.samples());
        assertEquals((0 * 5 + 1 * 3 + 3 * 2) / 10.0, ProbeStructs.mean(h.rqNrRunning()), 1e-9);
        assertEquals(3, ProbeStructs.quantile(h.rqNrRunning(), 0.99));
    }

    @Test
    void syscallNamesKnowGetppid() {
        assertEquals("getppid", SyscallNames.name(110));
        assertEquals(110, SyscallNames.number("getppid"));
    }
}
