package io.contextlab.natives;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** poll and select see exactly the one ready fd, every call. */
class PollSelectTest {
    @Test
    void pollAndSelectReportTheOneReadyFdEachCall() {
        try (PollSelect.ScanSet set = PollSelect.open(100)) {
            assertEquals(50, PollSelect.pollRounds(set, 50));
            assertEquals(50, PollSelect.selectRounds(set, 50));
        }
    }
}
