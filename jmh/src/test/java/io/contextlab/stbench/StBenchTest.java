package io.contextlab.stbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contextlab.st.Scheduler;
import io.contextlab.switches.ProducerConsumer.Delivery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.infra.Blackhole;

/** The suite's measured programs do what their comments say (counts, not times). */
@Timeout(60)
class StBenchTest {
    @Test
    void theBoundedBufferDeliversEveryItemInOrder() {
        try (Scheduler st = new Scheduler()) {
            for (int batch : new int[] {1, 3, 64}) {
                assertEquals(new Delivery(1000, 0), ProducerConsumer.coroutines(st, batch, 1000), "batch " + batch);
            }
            assertEquals(0, st.live());
        }
    }

    @Test
    void everyVariantRunsItsOperationsAndTheSchedulerIsReusable() throws InterruptedException {
        SpawnJoin spawn = new SpawnJoin();
        spawn.open();
        assertEquals(SpawnJoin.OPS, spawn.stRuntime());
        assertEquals(2L * SpawnJoin.OPS, spawn.virtualDefault());
        spawn.close();

        YieldSwitch yield = new YieldSwitch();
        yield.open();
        assertEquals(YieldSwitch.OPS, yield.stRuntime());
        assertEquals(2L * YieldSwitch.OPS, yield.stRuntime());
        assertEquals(3L * YieldSwitch.OPS, yield.bareContinuation());
        yield.close();

        Blackhole bh = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        MutexHandoff mutex = new MutexHandoff();
        mutex.open();
        assertEquals(MutexHandoff.OPS, mutex.stRuntime(bh));
        assertEquals(2L * MutexHandoff.OPS, mutex.virtualDefault(bh));
        assertEquals(3L * MutexHandoff.OPS, mutex.stUncontended(bh));
        mutex.close();

        SleepWake sleep = new SleepWake();
        sleep.sleepMicros = 50;
        sleep.open();
        sleep.resetOvershoot();
        assertEquals(SleepWake.SLEEPS, sleep.stRuntime());
        assertEquals(2L * SleepWake.SLEEPS, sleep.virtualDefault());
        sleep.close();
    }

    @Test
    void theMutexIsHandedOverOnEveryAcquisition() {
        // lock, yield while holding, unlock: with FIFO handoff the two workers strictly alternate
        try (Scheduler st = new Scheduler()) {
            io.contextlab.st.Mutex mutex = new io.contextlab.st.Mutex(st);
            StringBuilder order = new StringBuilder();
            for (char name : new char[] {'a', 'b'}) {
                st.spawn(() -> {
                    for (int i = 0; i < 4; i++) {
                        mutex.lock();
                        order.append(name);
                        st.yieldNow();
                        mutex.unlock();
                    }
                });
            }
            st.run();
            assertEquals("abababab", order.toString());
            assertTrue(st.dispatches() > 8);
        }
    }
}
