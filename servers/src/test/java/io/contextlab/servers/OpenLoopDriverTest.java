package io.contextlab.servers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The open-loop driver against a Java model in this JVM and against a server that never answers:
 * what it counts, never how fast anything is.
 */
class OpenLoopDriverTest {
    @Test
    void anOpenLoopSendsItsScheduleAndRecordsEveryRequest() throws Exception {
        try (ServerModel server = Models.SELECTOR.create(ServerConfig.defaults().withPort(0))) {
            server.start();
            OpenLoopDriver.Result r = OpenLoopDriver.run(server.port(), 8, 400, 0.5, 2);
            assertEquals(200, r.scheduled(), "0.5 s at 400 requests/s");
            assertEquals(r.scheduled(), r.completed() + r.unfinished());
            assertEquals(r.completed(), r.ok(), "every answer is a 200");
            assertEquals(0, r.errors());
            assertEquals(r.scheduled(), r.latencyNs().getTotalCount(), "one latency per scheduled request");
            assertEquals(r.scheduled() - r.unfinished(), r.sendLagNs().getTotalCount(), "one send lag per request sent");
        }
    }

    @Test
    void aClosedLoopKeepsEveryConnectionBusy() throws Exception {
        try (ServerModel server = Models.SELECTOR.create(ServerConfig.defaults().withPort(0))) {
            server.start();
            OpenLoopDriver.Result r = OpenLoopDriver.run(server.port(), 4, 0, 0.3, 2);
            assertTrue(r.completed() > 4, "more than one request per connection: " + r);
            assertEquals(r.completed(), r.ok());
            assertEquals(0, r.unfinished());
        }
    }

    @Test
    void requestsAServerNeverAnswersAreUnfinishedAndStillCounted() throws Exception {
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress(ServerConfig.LOOPBACK, 0), 50);
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) accepted.add(silent.accept());
                } catch (Exception ignored) {
                    // closed
                }
            });
            OpenLoopDriver.Result r = OpenLoopDriver.run(silent.getLocalPort(), 2, 100, 0.2, 1);
            assertEquals(20, r.scheduled());
            assertEquals(0, r.completed());
            assertEquals(r.scheduled(), r.unfinished(), "sent or not, every scheduled request is unfinished");
            assertEquals(r.scheduled(), r.latencyNs().getTotalCount(), "and recorded at its age at the cut-off");
            assertTrue(r.latencyNs().getValueAtPercentile(50) >= 500_000_000L, "aged by the grace period at least");
            silent.close();
            acceptor.join(1000);
            for (Socket s : accepted) s.close();
        }
    }
}
