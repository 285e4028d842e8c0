package io.contextlab.st;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The scheduler's order: the switch points alone decide who runs next, on one thread. */
@Timeout(30)
class SchedulerTest {
    private final Scheduler st = new Scheduler();
    private final List<String> trace = new ArrayList<>();

    @AfterEach
    void close() {
        st.close();
    }

    @Test
    void aScriptedInterleavingIsReproducedExactly() {
        // a yields twice, b twice, c spawns d and joins it, d takes the mutex across a yield that b
        // contends for; every switch point is FIFO, so the trace is fixed by the script alone
        Mutex mutex = new Mutex(st);
        Condition ready = new Condition(st);
        boolean[] flag = {false};
        st.spawn(() -> {
            trace.add("a1");
            st.yieldNow();
            trace.add("a2");
            st.yieldNow();
            trace.add("a3");
            flag[0] = true;
            ready.signal();
        });
        st.spawn(() -> {
            trace.add("b1");
            st.yieldNow();
            trace.add("b2");
            st.yieldNow();  // d takes the mutex meanwhile
            mutex.lock();
            trace.add("b-locked");
            mutex.unlock();
        });
        st.spawn(() -> {
            trace.add("c1");
            Coroutine d = st.spawnJoinable(() -> {
                mutex.lock();
                trace.add("d-locked");
                st.yieldNow();
                trace.add("d-unlock");
                mutex.unlock();
            });
            st.join(d);
            trace.add("c-joined");
            while (!flag[0]) ready.await();
            trace.add("c-ready");
        });
        st.run();
        List<String> expected = List.of("a1", "b1", "c1", "a2", "b2", "d-locked", "a3", "d-unlock", "b-locked", "c-joined", "c-ready");
        assertEquals(expected, trace);

        // the same script on a fresh scheduler gives the same trace: nothing depends on time
        List<String> first = List.copyOf(trace);
        trace.clear();
        try (Scheduler again = new Scheduler()) {
            for (int i = 0; i < 3; i++) {
                int id = i;
                again.spawn(() -> {
                    for (int k = 0; k < 3; k++) {
                        trace.add(id + ":" + k);
                        again.yieldNow();
                    }
                });
            }
            again.run();
        }
        assertEquals(List.of("0:0", "1:0", "2:0", "0:1", "1:1", "2:1", "0:2", "1:2", "2:2"), trace);
        assertEquals(expected, first);
    }

    @Test
    void runLaterFromAnotherThreadWakesAnIdleLoopAndRunsOnIt() throws Exception {
        // the loop is idle in epoll_pwait2 (one coroutine waits for a connection that never
        // comes); another thread's runLater must wake it and run on the scheduler's thread
        NetFd listener = NetFd.listen(st, 0, 4, false);
        Thread[] ranOn = new Thread[1];
        st.spawn(() -> {
            try {
                listener.accept();
                trace.add("accepted");
            } catch (java.io.UncheckedIOException closed) {
                trace.add("acceptor woke: listener closed");
            }
        });
        Thread knocker = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            st.runLater(() -> {
                ranOn[0] = Thread.currentThread();
                trace.add("stop");
                listener.close();
            });
        });
        st.run();
        knocker.join();
        assertSame(Thread.currentThread(), ranOn[0]);
        assertEquals(List.of("stop", "acceptor woke: listener closed"), trace);
        assertTrue(st.idleWaits() >= 1, "the loop never waited: the wake-up was not tested");
    }

    @Test
    void sleepersWakeInDeadlineOrderNotSpawnOrder() {
        long ms = 1_000_000L;
        long[] naps = {30 * ms, 10 * ms, 20 * ms, 1 * ms, 10 * ms};
        for (int i = 0; i < naps.length; i++) {
            int id = i;
            st.spawn(() -> {
                long before = System.nanoTime();
                st.sleep(naps[id]);
                assertTrue(System.nanoTime() - before >= naps[id], "woke early");
                trace.add("s" + id);
            });
        }
        st.run();
        // equal deadlines (s1, s4 both 10 ms, begun in that order) keep their order
        assertEquals(List.of("s3", "s1", "s4", "s2", "s0"), trace);
    }

    @Test
    void aZombieWaitsForItsJoinAndAFailureReachesTheJoiner() {
        Coroutine[] child = new Coroutine[1];
        st.spawn(() -> {
            child[0] = st.spawnJoinable(() -> trace.add("child ran"));
            st.yieldNow();  // the child runs and ends before anyone joins it
            trace.add("zombies=" + st.zombies());
            st.join(child[0]);
            trace.add("zombies=" + st.zombies());
            Coroutine failing = st.spawnJoinable(() -> { throw new ArithmeticException("boom"); });
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> st.join(failing));
            assertTrue(e.getCause() instanceof ArithmeticException);
            trace.add("failure joined");
        });
        st.run();
        assertEquals(List.of("child ran", "zombies=1", "zombies=0", "failure joined"), trace);
        assertSame(Coroutine.State.DONE, child[0].state());
        assertEquals(0, st.live());
    }

    @Test
    void aFailureNobodyJoinsSurfacesFromRun() {
        st.spawn(() -> { throw new ArithmeticException("unjoined"); });
        IllegalStateException e = assertThrows(IllegalStateException.class, st::run);
        assertTrue(e.getCause() instanceof ArithmeticException);
    }

    @Test
    void aMutexIsHandedToItsFirstWaiter() {
        Mutex mutex = new Mutex(st);
        for (String name : List.of("x", "y", "z")) {
            st.spawn(() -> {
                mutex.lock();
                trace.add(name + "+");
                st.yieldNow();  // the others queue on the mutex meanwhile
                trace.add(name + "-");
                mutex.unlock();
                mutex.lock();   // re-locking at once must queue behind the waiters, not barge
                trace.add(name + "+again");
                mutex.unlock();
            });
        }
        st.run();
        assertEquals(List.of("x+", "x-", "y+", "y-", "z+", "z-", "x+again", "y+again", "z+again"), trace);
    }

    @Test
    void everyoneWaitingOnEachOtherIsADeadlockNotAHang() {
        Condition never = new Condition(st);
        st.spawn(never::await);
        IllegalStateException e = assertThrows(IllegalStateException.class, st::run);
        assertTrue(e.getMessage().startsWith("deadlock"), e.getMessage());
    }

    @Test
    void switchPointsRefuseToRunOutsideACoroutine() {
        assertThrows(IllegalStateException.class, st::yieldNow);
        assertThrows(IllegalStateException.class, () -> new Mutex(st).lock());
    }
}
