package io.contextlab.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contextlab.platform.libc.Rlimit;
import org.junit.jupiter.api.Test;

/** poll and select see exactly the one ready fd, every call; select refuses fds past FD_SETSIZE. */
class PollSelectTest {
    @Test
    void pollAndSelectReportTheOneReadyFdEachCall() {
        try (PollSelect.ScanSet set = PollSelect.open(100)) {
            assertEquals(50, PollSelect.pollRounds(set, 50));
            assertEquals(50, PollSelect.selectRounds(set, 50));
        }
    }

    @Test
    void selectRefusesASetWithAnFdAtOrAboveFdSetsize() {
        Rlimit.raiseFdLimitToHard();
        try (PollSelect.ScanSet set = PollSelect.open(PollSelect.FD_SETSIZE + 10)) {
            assertEquals(5, PollSelect.pollRounds(set, 5), "poll has no such limit");
            var e = assertThrows(IllegalStateException.class, () -> PollSelect.selectRounds(set, 1));
            assertTrue(e.getMessage().contains("FD_SETSIZE"), e.getMessage());
        }
    }
}
