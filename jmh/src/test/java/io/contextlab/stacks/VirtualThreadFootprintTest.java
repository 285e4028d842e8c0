package io.contextlab.stacks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import jdk.internal.vm.StackChunk;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.vm.VM;

/** A parked virtual thread's frames live in its stack chunks, so the chunks grow with depth. */
class VirtualThreadFootprintTest {
    private static final int THREADS = 200;

    private static double chunkBytesPerThread(int depth) throws InterruptedException {
        VirtualThreadFootprint.Fleet fleet = new VirtualThreadFootprint.Fleet();
        fleet.parked = new CountDownLatch(THREADS);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) threads.add(Thread.ofVirtual().start(() -> fleet.descend(depth)));
        fleet.parked.await();
        VirtualThreadFootprint.awaitAllWaiting(threads);
        long bytes = 0;
        for (Thread t : threads) {
            for (StackChunk c = VirtualThreadFootprint.tailOf(VirtualThreadFootprint.continuationOf(t)); c != null; c = c.parent()) {
                bytes += VirtualThreadFootprint.chunkBytesFromLength(VM.current(), c);
            }
        }
        fleet.released = true;
        for (Thread t : threads) LockSupport.unpark(t);
        for (Thread t : threads) t.join();
        return (double) bytes / THREADS;
    }

    @Test
    void footprintGrowsWithDepth() throws InterruptedException {
        double shallow = chunkBytesPerThread(1);
        double deep = chunkBytesPerThread(100);
        assertTrue(shallow > 0, "a parked virtual thread has frames in a chunk");
        assertTrue(deep > shallow + 99 * 16, "100 frames deep should hold at least 16 B per extra frame more than 1: "
                + shallow + " vs " + deep);
    }
}
