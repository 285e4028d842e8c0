package io.contextlab.platform.libc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** getrusage's switch counts: they only grow, blocking adds voluntary ones, and an exited thread's stay counted. */
class RusageTest {
    @Test
    void blockingInAThreadThatThenExitsStillCountsAsVoluntarySwitches() throws Exception {
        Rusage.Switches before = Rusage.switches();
        Thread sleeper = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 5; i++) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sleeper.join();
        Rusage.Switches delta = Rusage.switches().minus(before);
        assertTrue(delta.voluntary() >= 5, "five sleeps of a thread since exited: " + delta);
        assertTrue(delta.involuntary() >= 0, delta.toString());
    }
}
