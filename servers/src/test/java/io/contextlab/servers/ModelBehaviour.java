package io.contextlab.servers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

/** The behaviour every model, Java or C, must show; the tests call these on a running server. */
final class ModelBehaviour {
    static final int IDLE_TIMEOUT_MS = 300;

    private ModelBehaviour() {}

    static void answersConcurrentKeepAliveClients(int port) throws Exception {
        List<String> answers = RawHttp.concurrentKeepAlive(port, 4, 25);
        assertEquals(100, answers.size());
        for (String a : answers) {
            assertEquals("200 keep-alive " + HttpResponses.BODY, a);
        }
    }

    static void honoursConnectionClose(int port) throws Exception {
        String answer = RawHttp.exchangeUntilClose(port, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
        assertTrue(answer.contains("\r\nConnection: close\r\n"), answer);
        assertTrue(answer.endsWith("\r\n\r\n" + HttpResponses.BODY), answer);
    }

    static void answersPipelinedRequestsInOrder(int port) throws Exception {
        String answer = RawHttp.exchangeUntilClose(port, "GET /1 HTTP/1.1\r\nHost: t\r\n\r\n"
                + "HEAD /2 HTTP/1.1\r\nHost: t\r\n\r\n" + "GET /3 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        assertEquals(3, answer.split("HTTP/1.1 200 OK", -1).length - 1, answer);
        assertEquals(2, answer.split(HttpResponses.BODY, -1).length - 1, "HEAD has no body: " + answer);
    }

    static void rejectsMalformedRequestsAndCloses(int port) throws Exception {
        // exchangeUntilClose returns only once the server has closed: "and close" is checked too
        assertTrue(RawHttp.exchangeUntilClose(port, "GARBAGE\r\n\r\n").startsWith("HTTP/1.1 400 "));
        assertTrue(RawHttp.exchangeUntilClose(port, "GET / HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 400 "),
                "HTTP/1.1 without Host");
        assertTrue(RawHttp.exchangeUntilClose(port, "GET / HTTP/1.1\r\nHost: t\r\nBad Header\r\n\r\n")
                .startsWith("HTTP/1.1 400 "));
        assertTrue(RawHttp.exchangeUntilClose(port, "DELETE / HTTP/1.1\r\nHost: t\r\n\r\n").startsWith("HTTP/1.1 405 "));
        assertTrue(RawHttp.exchangeUntilClose(port, "GET / HTTP/1.1\r\nHost: t\r\nX: " + "a".repeat(9000))
                .startsWith("HTTP/1.1 431 "));
        // a good request on a connection after a 400 is never read: the first answer closes it
        String both = RawHttp.exchangeUntilClose(port, "BAD\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n");
        assertEquals(1, both.split("HTTP/1.1 ", -1).length - 1, both);
    }

    static void closesIdleAndTricklingConnections(int port) throws Exception {
        assertTrue(RawHttp.closedWhenIdle(port, ""), "a silent connection is closed after the idle timeout");
        assertTrue(RawHttp.closedWhenIdle(port, "GET / HTTP/1.1\r\nHost: t\r\n"),
                "a connection that stops mid-head is closed after the idle timeout");
    }

    static void survivesClientsVanishingMidRequest(int port) throws Exception {
        for (int i = 0; i < 20; i++) {
            RawHttp.vanishMidRequest(port);
        }
        honoursConnectionClose(port);
    }
}
