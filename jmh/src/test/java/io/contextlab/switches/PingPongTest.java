package io.contextlab.switches;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PingPongTest {
    /** Two runs, then the partner's own count: every token went there and came back, no more. */
    @ParameterizedTest
    @EnumSource(PingPong.Kind.class)
    void passesExactlyNTokens(PingPong.Kind kind) {
        PingPong pingPong = PingPong.start(kind, -1);
        try {
            assertEquals(300, pingPong.run(300));
            assertEquals(200, pingPong.run(200));
        } finally {
            pingPong.close();
        }
        assertEquals(500, pingPong.partnerPasses());
    }
}
