package io.contextlab.lab.references;

import io.contextlab.lab.references.CrossCheck.Outside;
import io.contextlab.platform.Json;
import io.contextlab.platform.SchemaCheck;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each reference's parser on text in its program's output format (values invented: the format is
 * what is tested), and every outside figure, joined with no JMH result, valid in its schema.
 */
class ReferenceParsersTest {

    static void allValid(String suite, List<Outside> outside) {
        for (Outside o : outside) {
            List<CrossCheck.Pair> pairs = List.of(new CrossCheck.Pair(Pairs.REFERENCE_FIRST, null, o.reference().value(), null));
            CrossCheck c = CrossCheck.of(suite, o.spec(), o.reference(), o.spec().params(), 1, pairs);
            SchemaCheck.assertValid("crosscheck.v2", Json.toJson(c));
        }
    }

    @Test
    void programLinesGiveNameSettingsUnitAndRounds() {
        ProgramOutput line = ProgramOutput.parse("getppid threads=2 calls=1000 ns/op: 3.0 1.0 2.0\n").getFirst();
        assertEquals("getppid", line.name());
        assertEquals(Map.of("threads", "2", "calls", "1000"), line.settings());
        assertEquals("ns/op", line.unit());
        assertEquals(List.of(3.0, 1.0, 2.0), line.samples());
        assertEquals(2.0, line.mean(), "a probe's figure is the mean of its rounds, as a JMH iteration's is of its operations");
        assertEquals(2.5, ProgramOutput.median(List.of(4.0, 1.0, 2.0, 3.0)));
        assertEquals(2.0, ProgramOutput.parse("x n=1 ns/op: 1.0 1.0 4.0\n").getFirst().mean());
        assertTrue(ProgramOutput.parse("x n=0 ns/switch:\n").getFirst().samples().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> ProgramOutput.parse("{\"check\":\"json\"}"));
        assertThrows(IllegalArgumentException.class, () -> ProgramOutput.parse("getppid threads=2 1.0 2.0"));
    }

    @Test
    void syscallLoopGivesAnInfoRowAndAJudgedRowPerCall() {
        String out = """
                getppid threads=1 calls=1000000 ns/op: 10.0 11.0 12.0
                read1 threads=1 calls=1000000 ns/op: 10.0 11.0 12.0
                write1 threads=1 calls=1000000 ns/op: 10.0 11.0 12.0
                clock_gettime threads=1 calls=10000000 ns/op: 1.0 2.0 3.0
                getppid threads=2 calls=1000000 ns/op: 20.0 21.0 22.0
                read1 threads=2 calls=1000000 ns/op: 10.0 11.0 12.0
                write1 threads=2 calls=1000000 ns/op: 10.0 11.0 12.0
                clock_gettime threads=2 calls=10000000 ns/op: 1.0 2.0 3.0
                """;
        List<Outside> rows = SyscallsReference.parse(out, "getppid");
        assertEquals(8, rows.size());
        Outside multi = rows.get(4);
        assertEquals("io.contextlab.syscalls.SyscallLoops.getppid", multi.spec().benchmark());
        assertEquals(CrossCheck.TOLERANCE, multi.spec().tolerance());
        assertEquals(21.0, multi.reference().value());
        assertEquals("syscall_loop " + SyscallsReference.CALLS + " getppid", multi.reference().command());
        assertNull(rows.get(0).spec().tolerance());
        assertEquals(SyscallsReference.SINGLE_THREADED, rows.get(0).spec().note(), "an info row says why it is not judged");
        assertNull(multi.spec().note(), "a judged row needs no note");
        assertEquals("io.contextlab.syscalls.SyscallLoops.clockGettimeVdso", rows.get(3).spec().benchmark());
        allValid("syscalls", rows);
    }

    @Test
    void uringNopGivesOneRowPerBatchSize() {
        List<Outside> rows = UringReference.parse("nop n=1 nops=131072 ns/op: 5.0 6.0 7.0\nnop n=64 nops=131072 ns/op: 1.0 1.0 4.0\n");
        assertEquals(List.of(Map.of("n", "1"), Map.of("n", "64")), rows.stream().map(o -> o.spec().params()).toList());
        assertEquals(6.0, rows.get(0).reference().value());
        assertEquals(2.0, rows.get(1).reference().value());
        assertEquals("uring_nop " + UringReference.NOPS + " 64", rows.get(1).reference().command());
        assertTrue(rows.stream().allMatch(o -> o.spec().tolerance() != null && UringReference.NOP_SIDES.equals(o.spec().note())));
        allValid("uring", rows);
    }

    @Test
    void epollCtlGivesTheAddDelRowAtItsN() {
        Outside row = EpollReference.parse("epoll_ctl_add_del n=1000 pairs=100000 ns/op: 3.0 1.0 2.0\n").getFirst();
        assertEquals("io.contextlab.epoll.EpollCtl.addDel", row.spec().benchmark());
        assertEquals(Map.of("n", "1000"), row.spec().params());
        assertEquals(2.0, row.reference().value());
        allValid("epoll", List.of(row));
    }

    @Test
    void threadRssGivesTheTwoSecondaryMetrics() {
        List<Outside> rows = StacksReference.parseThreadRss("""
                rss threads=1000 touch=16384 B/thread: 100.0 300.0 200.0
                minor_faults threads=1000 touch=16384 faults/thread: 6.000 5.000 7.000
                """);
        assertEquals(List.of("rssBytesPerThread", "minorFaultsPerThread"), rows.stream().map(o -> o.spec().metric()).toList());
        assertEquals(List.of("B/thread", "faults/thread"), rows.stream().map(o -> o.spec().unit()).toList());
        assertEquals(Map.of("threads", "1000", "touchBytes", "16384"), rows.get(0).spec().params());
        assertEquals(200.0, rows.get(0).reference().value());
        assertEquals(CrossCheck.TOLERANCE, rows.get(1).spec().tolerance());
        allValid("stacks", rows);
    }

    @Test
    void spawnCostsGivesJudgedRowsAndForkForInformation() {
        List<Outside> rows = StacksReference.parseSpawnCosts("""
                pthread_create_join count=1000 ns/op: 1.0 2.0 3.0
                vfork_wait count=200 ns/op: 1.0 2.0 3.0
                posix_spawn_wait count=100 ns/op: 1.0 2.0 3.0
                """, "spawn_costs 7");
        assertEquals(List.of("io.contextlab.stacks.SpawnCosts.pthreadCreateJoin", "io.contextlab.stacks.SpawnCosts.vforkWait",
                "io.contextlab.stacks.SpawnCosts.posixSpawnWait"), rows.stream().map(o -> o.spec().benchmark()).toList());
        assertTrue(rows.stream().allMatch(o -> o.spec().params().equals(Map.of("placement", "free"))));
        assertNull(rows.get(0).spec().tolerance(), "pthread_create unpinned is the information row 'pthread_create+join from a JVM'");
        assertEquals(StacksReference.PTHREAD_FROM_A_JVM, rows.get(0).spec().note());
        assertNull(rows.get(1).spec().tolerance(), "vfork unpinned is the information row 'vfork from a JVM'");
        assertTrue(rows.get(1).spec().check().startsWith("vfork from a JVM"));
        assertEquals(StacksReference.VFORK_FROM_A_JVM, rows.get(1).spec().note());
        assertEquals(0.10, rows.get(2).spec().tolerance());
        assertEquals(StacksReference.POSIX_SPAWN_FEW_OPS, rows.get(2).spec().note(), "a judged check's note: why its pairs scatter");
        Outside pinned = StacksReference.parseSpawnCosts("pthread_create_join count=1000 placement=oneCpu ns/op: 1.0\n", "spawn_costs 1 pinned")
                .getFirst();
        assertEquals(0.10, pinned.spec().tolerance(), "pinned, pthread_create is judged");
        assertNull(pinned.spec().note(), "both sides do the same work");
        Outside fork = StacksReference.parseSpawnCosts("fork_wait count=100 ns/op: 5.0 4.0 6.0\n", "spawn_costs 7 fork").getFirst();
        assertNull(fork.spec().tolerance());
        assertEquals(StacksReference.FORK_FROM_A_SMALL_PROCESS, fork.spec().note());
        assertEquals("io.contextlab.stacks.SpawnCosts.forkWait", fork.spec().benchmark());
        assertEquals(5.0, fork.reference().value());
        allValid("stacks", rows);
        allValid("stacks", List.of(fork));
    }

    @Test
    void pinnedVforkIsJudgedFromAParentShapedLikeTheJvmAndShownFromTheSmallProcess() {
        Outside shaped = StacksReference.parseSpawnCosts(
                "vfork_wait count=200 placement=oneCpu mappings=246 parent_mappings=245 ns/op: 3.0\n",
                "spawn_costs 1 pinned vfork_wait parent-mappings").getFirst();
        assertEquals("vfork+waitpid, parent and child on CPU 0", shaped.spec().check());
        assertEquals(CrossCheck.TOLERANCE, shaped.spec().tolerance());
        assertTrue(shaped.reference().method().contains("246 mappings"), shaped.reference().method());
        assertEquals(StacksReference.VFORK_SHAPED, shaped.spec().note(), "what the shaped parent still lacks");
        Outside small = StacksReference.parseSpawnCosts("vfork_wait count=200 placement=oneCpu ns/op: 2.0\n", "spawn_costs 1 pinned vfork_wait")
                .getFirst();
        assertEquals("vfork from a JVM against a small C process, parent and child on CPU 0", small.spec().check());
        assertNull(small.spec().tolerance());
        assertEquals(StacksReference.VFORK_MAPPINGS, small.spec().note());
        allValid("stacks", List.of(shaped, small));
    }

    @Test
    void perfSchedPipeGivesUsecsPerRoundTripHalvedToNsPerPass() {
        String perf = """
                # Running 'sched/pipe' benchmark:
                # Executed 2000 pipe operations between two processes

                     Total time: 0.100 [sec]

                      50.000000 usecs/op
                          20000 ops/sec
                """;
        assertEquals(50.0, SwitchesReference.usecsPerOp(perf).orElseThrow());
        assertTrue(SwitchesReference.usecsPerOp("perf: no such benchmark").isEmpty());
        Outside row = SwitchesReference.pipeCheck("pipe", "PIPE_THREADS", "two", "pin_children 0 0,1 -- perf bench sched pipe -T",
                List.of(25_000.0, 24_000.0, 26_000.0));
        assertEquals(25_000.0, row.reference().value(), "the mean of its figures");
        // 1,000 round trips in 60 ms, 3,000 in 160 ms: 50 us a round trip once the worker's 10 ms start and exit are left out
        assertEquals(25_000.0, SwitchesReference.perPass(60_000, 1000, 160_000, 3000), 1e-9);
        assertEquals(Map.of("cpus", "two", "kind", "PIPE_THREADS"), row.spec().params());
        allValid("switches", List.of(row));
    }

    @Test
    void swapcontextAndPerfStatGiveTimeAndSyscallsPerSwitch() {
        Outside time = SwitchesReference.parseSwapcontext("swapcontext round_trips=1110000 ns/switch: 3.0 1.0 2.0\n");
        assertEquals("ns/op", time.spec().unit());
        assertEquals(2.0, time.reference().value());
        String stat = "22201,,syscalls:sys_enter_rt_sigprocmask,44811784,100.00,,\n";
        assertEquals(22201L, SwitchesReference.eventCount(stat).orElseThrow());
        assertTrue(SwitchesReference.eventCount("<not counted>,,syscalls:sys_enter_rt_sigprocmask,0,100.00,,").isEmpty());
        Outside perSwitch = SwitchesReference.sigprocmaskCheck(2001, 1, 1000);
        assertEquals(1.0, perSwitch.reference().value());
        assertEquals("rtSigprocmaskPerSwitch", perSwitch.spec().metric());
        allValid("switches", List.of(time, perSwitch));
    }

    @Test
    void everyReferenceIsFoundByItsSimpleName() {
        for (String name : List.of("SyscallsReference", "SwitchesReference", "StacksReference", "EpollReference", "UringReference")) {
            assertEquals(name, References.named(name).getClass().getSimpleName());
        }
        assertThrows(IllegalArgumentException.class, () -> References.named("NoSuchReference"));
    }
}
