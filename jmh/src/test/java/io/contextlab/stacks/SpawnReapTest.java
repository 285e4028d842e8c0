package io.contextlab.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Every spawned context is reaped: no zombie child, no leaked thread. */
class SpawnReapTest {
    private static long children() {
        return ProcessHandle.current().children().count();
    }

    @Test
    void pthreadsAreJoined() {
        int before = ProcessMemory.now().threads();
        assertEquals(200, Spawn.pthreadCreateJoin(200));
        assertTrue(ProcessMemory.now().threads() < before + 10, "no thread of the loop may outlive it");
    }

    @Test
    void forkedVforkedAndSpawnedChildrenAreReaped() {
        assertEquals(20, Spawn.forkWait(20));
        assertEquals(20, Spawn.vforkWait(20));
        assertEquals(20, Spawn.posixSpawnWait(Spawn.path("/bin/true"), 20));
        assertEquals(0, children(), "no child (zombie or alive) may be left");
    }

    @Test
    void javaThreadsAndProcessesAreReaped() throws Exception {
        Thread platform = new Thread(() -> {});
        platform.start();
        platform.join();
        Thread virtual = Thread.ofVirtual().start(() -> {});
        virtual.join();
        assertEquals(0, new ProcessBuilder("/bin/true").start().waitFor());
        assertEquals(Thread.State.TERMINATED, platform.getState());
        assertEquals(Thread.State.TERMINATED, virtual.getState());
        assertEquals(0, children());
    }
}
