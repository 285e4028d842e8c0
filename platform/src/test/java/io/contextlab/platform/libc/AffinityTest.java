package io.contextlab.platform.libc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AffinityTest {
    @Test
    void pinnedThreadRunsOnlyOnItsCpu() throws Exception {
        int last = Runtime.getRuntime().availableProcessors() - 1;
        // On a thread of its own, so the test runner's thread keeps its affinity; the
        // FutureTask carries any assertion failure back to this thread.
        var task = new java.util.concurrent.FutureTask<Void>(() -> {
            Affinity.pinCurrentThread(last);
            assertArrayEquals(new int[] {last}, Affinity.currentThreadCpus());
            for (int i = 0; i < 1000; i++) {
                Thread.yield();
                assertEquals(last, Affinity.currentCpu());
            }
            Affinity.unpinCurrentThread();
            assertEquals(Runtime.getRuntime().availableProcessors(), Affinity.currentThreadCpus().length);
            return null;
        });
        Thread.ofPlatform().start(task);
        task.get();
    }

    @Test
    void unpinningRestoresEveryCpuOfTheProcessNotJustTheLastOne() throws Exception {
        int[] before = Affinity.currentThreadCpus();
        var task = new java.util.concurrent.FutureTask<int[]>(() -> {
            Affinity.pinCurrentThread(0);
            Affinity.unpinCurrentThread();
            return Affinity.currentThreadCpus();
        });
        Thread.ofPlatform().start(task);
        assertArrayEquals(before, task.get());
    }

    @Test
    void requiringACpuTheProcessLacksSaysWhoNeedsIt() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> Affinity.requireCpus("SomeBenchmark", 0, 4095));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("SomeBenchmark needs CPUs [0, 4095]"));
    }
}
