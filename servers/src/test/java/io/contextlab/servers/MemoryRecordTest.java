package io.contextlab.servers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contextlab.servers.ServersReport.Memory;
import io.contextlab.servers.ServersReport.MemoryReading;
import org.junit.jupiter.api.Test;

/**
 * The memory step's arithmetic on synthetic readings (ServersReport.memory): the difference of the
 * two readings over the connections answered, and a null figure with a note, never a number, when
 * the difference is not positive or nothing was answered.
 */
class MemoryRecordTest {
    private static MemoryReading reading(long rssKb, long pssKb, Long heapKb) {
        return new MemoryReading(rssKb, pssKb, 1, 1, heapKb);
    }

    @Test
    void aGrowthIsTheDifferenceOverTheConnectionsAnswered() {
        Memory m = ServersReport.memory("selector", 100, 100, reading(1000, 800, 50L), reading(1100, 900, 75L), null);
        assertEquals(100 * 1024 / 100, m.bytesPerConnection());
        assertEquals(100 * 1024 / 100, m.rssBytesPerConnection());
        assertEquals(25 * 1024 / 100, m.heapBytesPerConnection());
        assertNull(m.note());
        assertNull(m.reason());
        assertEquals(800, m.idlePssKb());
        assertEquals(900, m.pssKb());
    }

    @Test
    void onlyTheAnsweredConnectionsDivide() {
        Memory m = ServersReport.memory("pool", 1000, 250, reading(0, 0, null), reading(500, 500, null), null);
        assertEquals(500 * 1024 / 250, m.bytesPerConnection());
        assertTrue(m.reason().startsWith("750 of 1000 connections not answered"), m.reason());
        assertNull(m.heapBytesPerConnection(), "no heap for a model that is not Java");
        assertNull(m.note(), "a model without a heap needs no note for it");
    }

    @Test
    void noGrowthIsNoFigureButANote() {
        Memory m = ServersReport.memory("nginx", 1000, 1000, reading(31528, 20784, null), reading(31528, 20784, null), null);
        assertNull(m.bytesPerConnection());
        assertNull(m.rssBytesPerConnection());
        assertNotNull(m.note());
        assertTrue(m.note().contains("PSS") && m.note().contains("not above"), m.note());
        assertEquals(20784, m.idlePssKb(), "the readings stay in the record");
    }

    @Test
    void aShrinkIsNoFigureButANoteSayingSo() {
        Memory m = ServersReport.memory("reuseport", 1000, 1000, reading(2000, 1500, 4000L), reading(1900, 1400, 29000L), null);
        assertNull(m.bytesPerConnection());
        assertNull(m.rssBytesPerConnection());
        assertTrue(m.heapBytesPerConnection() > 0, "the heap grew: its figure stands");
        assertTrue(m.note().contains("PSS") && m.note().contains("below"), m.note());
        assertTrue(m.note().contains("RSS"), m.note());
        assertTrue(!m.note().contains("heap"), "no note for a figure that is there: " + m.note());
    }

    @Test
    void aHeapThatDidNotGrowHasANote() {
        Memory m = ServersReport.memory("virtual", 10, 10, reading(100, 100, 40L), reading(200, 200, 40L), null);
        assertEquals(100 * 1024 / 10, m.bytesPerConnection());
        assertNull(m.heapBytesPerConnection());
        assertTrue(m.note().contains("heap"), m.note());
    }

    @Test
    void nothingAnsweredIsNoFigure() {
        Memory m = ServersReport.memory("py-fork", 1000, 0, reading(100, 100, null), reading(200, 200, null), null);
        assertNull(m.bytesPerConnection());
        assertNull(m.rssBytesPerConnection());
        assertTrue(m.note().contains("no connection answered"), m.note());
        assertTrue(m.reason().contains("1000 of 1000"), m.reason());
    }

    @Test
    void aFailedHeapReadingIsAReasonBesideTheUnanswered() {
        Memory m = ServersReport.memory("thread", 10, 9, reading(100, 100, null), reading(200, 200, null), "heap not read: x");
        assertEquals("1 of 10 connections not answered; heap not read: x", m.reason());
        assertNotNull(m.bytesPerConnection());
    }

    @Test
    void aModelNotMeasuredSaysSo() {
        Memory m = Memory.failed("fork", 1000, "not started again for the memory step: port taken");
        assertEquals(0, m.answered());
        assertNull(m.bytesPerConnection());
        assertNotNull(m.note());
        assertEquals("not started again for the memory step: port taken", m.reason());
    }
}
