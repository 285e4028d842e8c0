package io.contextlab.lab.references;

import io.contextlab.lab.references.CrossCheck.Outside;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parsers of the native rungs' stand-alone programs (switch_loops, scan_loops, fault_loop)
 * on samples of those programs' output as captured (shortened to three rounds, in
 * src/test/resources/io/contextlab/lab/references/captured/): each line checks
 * the benchmark, params and metric it names, at 10 %, and is valid in the crosscheck schema.
 */
class NativeRungParsersTest {

    /** A program's output as captured on a run (src/test/resources/.../captured/NAME.txt). */
    private static String captured(String name) throws IOException {
        try (InputStream in = NativeRungParsersTest.class.getResourceAsStream("captured/" + name + ".txt")) {
            if (in == null) throw new IOException("no captured output " + name + ".txt beside the test");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void switchLoopsGivesOneRungEach() throws IOException {
        List<Outside> rows = SwitchesReference.parseSwitchLoops(captured("switch_loops"));
        assertEquals(Set.of("setjmpLongjmp", "sigsetjmpSavingMask", "asmSwitch", "asmSwitchViaIndirectJmp", "switchCaseGenerator"),
                rows.stream().map(o -> o.spec().benchmark().replace("io.contextlab.switches.NativeCoroutines.", "")).collect(Collectors.toSet()));
        assertTrue(rows.stream().allMatch(o -> o.spec().tolerance() == 0.10 && o.spec().unit().equals("ns/op")
                && o.spec().params().isEmpty() && o.spec().metric().equals(CrossCheck.PRIMARY)));
        List<Double> first = rows.getFirst().reference().samples();
        assertEquals(first.stream().mapToDouble(Double::doubleValue).average().orElseThrow(), rows.getFirst().reference().value(), 1e-9,
                "the mean of the rounds");
        assertEquals(3, rows.getFirst().reference().samples().size());
        assertEquals(Set.of("setjmp", "sigsetjmp_mask", "asm_ret", "asm_jmp", "generator"), SwitchesReference.LOOP_ROUND_TRIPS.keySet(),
                "every rung switch_loops prints has its own round trips per round");
        assertEquals("switch_loops " + SwitchesReference.LOOP_ROUND_TRIPS.get("setjmp") + " setjmp", rows.stream()
                .filter(o -> o.spec().benchmark().endsWith(".setjmpLongjmp")).findFirst().orElseThrow().reference().command());
        ReferenceParsersTest.allValid("switches", rows);
    }

    @Test
    void scanLoopsGivesEachCallAtItsParamsSingleThreadedShownAndTwoThreadsJudged() throws IOException {
        List<Outside> rows = EpollReference.parseScanLoops(captured("scan_loops"));
        List<String> calls = List.of("SelectScan.select {fds=10}", "SelectScan.select {fds=900}", "PollScan.poll {n=10}",
                "PollScan.epollWait {n=10}", "PollScan.poll {n=1000}", "PollScan.epollWait {n=1000}",
                "EpollWaitLevel.levelTriggered {maxevents=all, r=1, registered=10000}",
                "EpollWaitLevel.levelTriggered {maxevents=all, r=100, registered=10000}");
        List<String> twice = new ArrayList<>(calls);
        twice.addAll(calls);
        assertEquals(twice, rows.stream().map(o -> o.spec().benchmark().replace("io.contextlab.epoll.", "") + " "
                + new TreeMap<>(o.spec().params())).toList());
        assertTrue(rows.stream().allMatch(o -> o.spec().unit().equals("ns/op") && o.spec().metric().equals(CrossCheck.PRIMARY)));
        assertEquals(rows.size(), rows.stream().map(o -> o.spec().check()).distinct().count(), "each row its own check");
        for (Outside o : rows) {
            boolean judged = o.spec().check().endsWith(", C loop with an idle second thread");
            boolean scans = o.spec().benchmark().endsWith(".select") || o.spec().benchmark().endsWith(".poll");
            if (judged) {
                // the JVM's condition, held to 10 %; poll and select say what the two rows are, epoll_wait does the same work
                assertEquals(CrossCheck.TOLERANCE, o.spec().tolerance(), o.spec().check());
                assertEquals(scans ? EpollReference.SCAN_TWO_THREADS : null, o.spec().note(), o.spec().check());
            } else {
                assertTrue(o.spec().check().endsWith(", single-threaded C loop"), o.spec().check());
                assertNull(o.spec().tolerance(), o.spec().check());
                assertEquals(EpollReference.SCAN_SINGLE_THREADED, o.spec().note(), o.spec().check());
            }
        }
        assertEquals(8, rows.stream().filter(o -> o.spec().tolerance() != null).count());
        ReferenceParsersTest.allValid("epoll", rows);
    }

    @Test
    void scanLoopsRefusesALineWithoutItsThreads() {
        assertThrows(IllegalArgumentException.class, () -> EpollReference.parseScanLoops("poll n=10 calls=1 ns/op: 1.0\n"));
        assertThrows(IllegalArgumentException.class, () -> EpollReference.parseScanLoops("poll threads=3 n=10 calls=1 ns/op: 1.0\n"));
    }

    @Test
    void faultLoopGivesTimeAndFaultsPerPage() throws IOException {
        List<Outside> rows = StacksReference.parseFaultLoop(captured("fault_loop"));
        assertEquals(2, rows.size());
        assertTrue(rows.stream().allMatch(o -> o.spec().benchmark().equals("io.contextlab.stacks.MinorFaults.touchEveryPage")
                && o.spec().params().equals(Map.of("mapping", "FRESH")) && o.spec().tolerance() == 0.10));
        assertEquals(CrossCheck.PRIMARY, rows.get(0).spec().metric());
        assertEquals("faultsPerPage", rows.get(1).spec().metric());
        assertEquals("faults/page", rows.get(1).spec().unit());
        ReferenceParsersTest.allValid("stacks", rows);
    }

    @Test
    void spawnCostsPinnedGivesJudgedRowsAtOneCpu() throws IOException {
        List<Outside> rows = StacksReference.parseSpawnCosts(captured("spawn_costs_pinned"), "spawn_costs 7 pinned");
        assertEquals(3, rows.size());
        assertTrue(rows.stream().allMatch(o -> o.spec().params().equals(Map.of("placement", "oneCpu"))));
        assertEquals(List.of(0.10, 0.10), List.of(rows.get(0).spec().tolerance(), rows.get(2).spec().tolerance()));
        assertEquals("io.contextlab.stacks.SpawnCosts.vforkWait", rows.get(1).spec().benchmark());
        assertNull(rows.get(1).spec().tolerance(), "vfork from the small process as it is: the information row of the JVM's mappings");
        ReferenceParsersTest.allValid("stacks", rows);
    }

    @Test
    void herdWakeupsPerConnectionFromTwoPerfStatCounts() {
        // perf stat -x, output of herd_wakeups epollEach 16 100 and of the same with 0 connections, as captured
        long with = SwitchesReference.eventCount("1600,,sched:sched_wakeup,187246229,100.00,,\n", EpollReference.WAKEUP).orElseThrow();
        long without = SwitchesReference.eventCount("16,,sched:sched_wakeup,103525973,100.00,,\n", EpollReference.WAKEUP).orElseThrow();
        Outside row = EpollReference.herdCheck("epollEach", with, without);
        assertEquals((with - without) / 100.0, row.reference().value());
        assertEquals("kernelWakeupsPerConnection", row.spec().metric());
        assertEquals(Map.of("style", "epollEach", "k", "16", "cpus", "all"), row.spec().params());
        assertEquals(0.10, row.spec().tolerance());
        assertTrue(SwitchesReference.eventCount("<not counted>,,sched:sched_wakeup,0,0.00,,\n", EpollReference.WAKEUP).isEmpty());
        ReferenceParsersTest.allValid("epoll", List.of(row));
    }

    @Test
    void aLineOfAnUnknownNameIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SwitchesReference.parseSwitchLoops("longjmp2 round_trips=1 ns/switch: 1.0\n"));
        assertThrows(IllegalArgumentException.class, () -> EpollReference.parseScanLoops("ppoll threads=2 n=1 calls=1 ns/op: 1.0\n"));
        assertThrows(IllegalArgumentException.class, () -> StacksReference.parseFaultLoop("major_fault pages=1 ns/op: 1.0\n"));
    }
}
