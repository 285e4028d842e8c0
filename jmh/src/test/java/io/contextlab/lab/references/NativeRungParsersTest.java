package io.contextlab.lab.references;

import io.contextlab.lab.references.CrossCheck.Outside;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parsers of the native rungs' stand-alone programs (switch_loops, scan_loops, fault_loop)
 * on samples of those programs' output as captured (shortened to three rounds): each line checks
 * the benchmark, params and metric it names, at 10 %, and is valid in the crosscheck schema.
 */
class NativeRungParsersTest {

    @Test
    void switchLoopsGivesOneRungEach() {
        String out = """
                setjmp round_trips=100000 ns/switch: 36.472 36.662 62.090
                sigsetjmp_mask round_trips=10000 ns/switch: 4567.401 4673.713 5736.703
                asm_ret round_trips=100000 ns/switch: 33.527 12.832 34.249
                asm_jmp round_trips=100000 ns/switch: 5.243 25.897 5.236
                generator round_trips=100000 ns/switch: 0.684 0.684 0.684
                """;
        List<Outside> rows = SwitchesReference.parseSwitchLoops(out);
        assertEquals(Set.of("setjmpLongjmp", "sigsetjmpSavingMask", "asmSwitch", "asmSwitchViaIndirectJmp", "switchCaseGenerator"),
                rows.stream().map(o -> o.spec().benchmark().replace("io.contextlab.switches.NativeCoroutines.", "")).collect(Collectors.toSet()));
        assertTrue(rows.stream().allMatch(o -> o.spec().tolerance() == 0.10 && o.spec().unit().equals("ns/op")
                && o.spec().params().isEmpty() && o.spec().metric().equals(CrossCheck.PRIMARY)));
        assertEquals(36.662, rows.getFirst().reference().value());
        assertEquals(3, rows.getFirst().reference().samples().size());
        ReferenceParsersTest.allValid("switches", rows);
        assertThrows(IllegalArgumentException.class, () -> SwitchesReference.parseSwitchLoops("longjmp2 round_trips=1 ns/switch: 1.0\n"));
    }

    @Test
    void scanLoopsGivesEachCallAtItsParams() {
        String out = """
                select fds=10 calls=477 ns/op: 1391.8 1494.7 1490.4
                select fds=900 calls=132 ns/op: 23900.2 24415.9 24536.6
                poll n=10 calls=2246 ns/op: 1406.0 1403.6 1426.0
                epoll_wait_one_ready n=10 calls=2439 ns/op: 1305.6 1376.4 1290.3
                poll n=1000 calls=112 ns/op: 25271.9 61043.8 61288.0
                epoll_wait_one_ready n=1000 calls=2545 ns/op: 1239.1 2831.9 1269.5
                epoll_wait_lt r=1 calls=2482 ns/op: 1293.5 1280.8 1254.7
                epoll_wait_lt r=100 calls=674 ns/op: 4225.6 4908.5 4438.7
                """;
        List<Outside> rows = EpollReference.parseScanLoops(out);
        assertEquals(8, rows.size());
        assertEquals("io.contextlab.epoll.SelectScan.select", rows.get(1).spec().benchmark());
        assertEquals(Map.of("fds", "900"), rows.get(1).spec().params());
        assertEquals("io.contextlab.epoll.PollScan.poll", rows.get(4).spec().benchmark());
        assertEquals(Map.of("n", "1000"), rows.get(4).spec().params());
        assertEquals("io.contextlab.epoll.PollScan.epollWait", rows.get(5).spec().benchmark());
        assertEquals("io.contextlab.epoll.EpollWaitLevel.levelTriggered", rows.get(7).spec().benchmark());
        assertEquals(Map.of("r", "100", "maxevents", "all", "registered", "10000"), rows.get(7).spec().params());
        assertTrue(rows.stream().allMatch(o -> o.spec().tolerance() == 0.10 && o.spec().unit().equals("ns/op")));
        ReferenceParsersTest.allValid("epoll", rows);
        assertThrows(IllegalArgumentException.class, () -> EpollReference.parseScanLoops("ppoll n=1 calls=1 ns/op: 1.0\n"));
    }

    @Test
    void faultLoopGivesTimeAndFaultsPerPage() {
        String out = """
                minor_fault pages=16384 ns/op: 24101.1 22451.2 24225.8
                minor_fault_count pages=16384 faults/page: 1.000 1.000 1.000
                """;
        List<Outside> rows = StacksReference.parseFaultLoop(out);
        assertEquals(2, rows.size());
        assertTrue(rows.stream().allMatch(o -> o.spec().benchmark().equals("io.contextlab.stacks.MinorFaults.touchEveryPage")
                && o.spec().params().equals(Map.of("mapping", "FRESH")) && o.spec().tolerance() == 0.10));
        assertEquals(CrossCheck.PRIMARY, rows.get(0).spec().metric());
        assertEquals("faultsPerPage", rows.get(1).spec().metric());
        assertEquals("faults/page", rows.get(1).spec().unit());
        ReferenceParsersTest.allValid("stacks", rows);
    }

    @Test
    void spawnCostsPinnedGivesJudgedRowsAtOneCpu() {
        String out = """
                pthread_create_join count=1000 placement=oneCpu ns/op: 31421.3 29128.7 30050.7
                vfork_wait count=200 placement=oneCpu ns/op: 27453.0 27009.4 28452.3
                posix_spawn_wait count=100 placement=oneCpu ns/op: 4027862.1 3872312.2 4014707.0
                """;
        List<Outside> rows = StacksReference.parseSpawnCosts(out, "spawn_costs 7 pinned");
        assertEquals(3, rows.size());
        assertTrue(rows.stream().allMatch(o -> o.spec().tolerance() == 0.10 && o.spec().params().equals(Map.of("placement", "oneCpu"))));
        assertEquals("io.contextlab.stacks.SpawnCosts.vforkWait", rows.get(1).spec().benchmark());
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
}
