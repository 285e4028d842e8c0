package io.contextlab.platform.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** ProcFs on the test JVM itself: the fields are there and sane. */
class ProcFsTest {
    @Test
    void statOfThisJvm() {
        ProcFs.Stat self = ProcFs.stat();
        assertTrue(self.numThreads() >= 1, "num_threads " + self.numThreads());
        assertTrue(self.rssPages() > 0, "rss " + self.rssPages());
        assertTrue(self.vsize() > 0, "vsize " + self.vsize());
        assertTrue(self.minflt() > 0, "a JVM has faulted pages in: minflt " + self.minflt());
        assertTrue(self.majflt() >= 0 && self.utime() >= 0 && self.stime() >= 0);
        assertEquals(ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L), self.ppid());
        assertEquals(self.comm(), ProcFs.stat(ProcessHandle.current().pid()).orElseThrow().comm());
    }

    @Test
    void eachThreadOfThisJvmWithTheCpuItLastRanOn() {
        var threads = ProcFs.threads();
        assertTrue(threads.containsKey(ProcessHandle.current().pid()), "the main thread's tid is the pid");
        assertTrue(threads.size() > 1, "a JVM has more than one thread");
        int cpus = Runtime.getRuntime().availableProcessors();
        threads.values().forEach(t -> assertTrue(t.processor() >= 0, "a live kernel's stat line has field 39: " + t));
        assertTrue(threads.values().stream().allMatch(t -> t.processor() < 4096), "a CPU number");
        assertTrue(cpus > 0);
    }

    @Test
    void statLineWithParenthesesAndSpacesInTheName() {
        String line = "42 (a (b) c) S 1 42 42 0 -1 4194304 7 0 3 0 11 12 13 14 20 0 5 0 99 4096 8 18446744073709551615";
        ProcFs.Stat s = ProcFs.Stat.parse(line);
        assertEquals("a (b) c", s.comm());
        assertEquals('S', s.state());
        assertEquals(1, s.ppid());
        assertEquals(7, s.minflt());
        assertEquals(3, s.majflt());
        assertEquals(11, s.utime());
        assertEquals(12, s.stime());
        assertEquals(13, s.cutime());
        assertEquals(-1, s.processor());   // a line that stops before field 39
        assertEquals(14, s.cstime());
        assertEquals(5, s.numThreads());
        assertEquals(4096, s.vsize());
        assertEquals(8, s.rssPages());
    }

    @Test
    void statusAndRollupOfThisJvm() {
        Map<String, Long> status = ProcFs.status();
        assertTrue(status.get("VmRSS") > 0);
        assertTrue(status.get("VmSize") >= status.get("VmRSS"));
        assertTrue(status.get("Threads") >= 1);
        assertFalse(status.containsKey("Name"), "non-numeric lines are left out");
        assertTrue(ProcFs.status(ProcessHandle.current().pid()).get("Threads") >= 1, "the same file by pid");
        Map<String, Long> rollup = ProcFs.smapsRollup();
        assertTrue(rollup.get("Rss") > 0);
        assertTrue(rollup.get("Pss") > 0);
    }

    @Test
    void keyValueLines() {
        Map<String, Long> f = ProcFs.fields("Name:\tjava\nVmRSS:\t  123456 kB\nThreads:\t17\nCapEff:\t000001ffffffffff\n");
        assertEquals(Map.of("VmRSS", 123456L, "Threads", 17L), f);
    }

    @Test
    void capabilitiesAgreeWithTheBits() {
        long caps = ProcFs.capEff();
        for (int cap : new int[] {ProcFs.CAP_SYS_ADMIN, ProcFs.CAP_PERFMON, ProcFs.CAP_BPF}) {
            assertEquals((caps & (1L << cap)) != 0, ProcFs.hasCapability(cap));
        }
    }

    @Test
    void aProcessThatIsGoneReadsAsEmpty() {
        long noSuchPid = Long.MAX_VALUE;
        assertTrue(ProcFs.stat(noSuchPid).isEmpty());
        assertTrue(ProcFs.status(noSuchPid).isEmpty());
        assertTrue(ProcFs.smapsRollup(noSuchPid).isEmpty());
    }

    @Test
    void openFdsCountsThisProcess() {
        assertTrue(ProcFs.openFds() >= 3, "stdin, stdout, stderr at least");
    }
}
