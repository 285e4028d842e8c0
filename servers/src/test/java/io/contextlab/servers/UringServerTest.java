package io.contextlab.servers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The io_uring server (C, multishot accept and receive): the behaviour every model shows, and on
 * SIGTERM it exits 0 with open connections, leaving no process behind (it has no children: one
 * thread, one ring; the SQ ring's kernel-side work ends with the process).
 */
class UringServerTest {
    @Test
    void servesCorrectlyAndExitsCleanlyOnSigterm() throws Exception {
        Path binary = Path.of(System.getProperty("contextlab.servers.native", "target/native"), "uring_server");
        assertTrue(Files.isExecutable(binary), binary + " is missing: the build (make via exec-maven-plugin) did not run");
        Process server = new ProcessBuilder(List.of(binary.toString(), "--port=0",
                "--idle-timeout-ms=" + ModelBehaviour.IDLE_TIMEOUT_MS)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII));
            String ready = out.readLine();
            assertTrue(ready != null && ready.startsWith("ready "), "first line: " + ready);
            int port = Integer.parseInt(ready.substring(6).strip());

            ModelBehaviour.answersConcurrentKeepAliveClients(port);
            ModelBehaviour.honoursConnectionClose(port);
            ModelBehaviour.answersPipelinedRequestsInOrder(port);
            ModelBehaviour.rejectsMalformedRequestsAndCloses(port);
            ModelBehaviour.closesIdleAndTricklingConnections(port);
            ModelBehaviour.survivesClientsVanishingMidRequest(port);
            // after all that, the server still answers: no connection state leaked into a wedge
            ModelBehaviour.answersConcurrentKeepAliveClients(port);

            try (var a = RawHttp.connect(port); var b = RawHttp.connect(port)) {
                a.getOutputStream().write("GET / HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                b.getOutputStream().write("GET / HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                a.getInputStream().read();
                b.getInputStream().read();            // two connections open and answered
                server.destroy();                     // SIGTERM
                assertTrue(server.waitFor(20, TimeUnit.SECONDS), "uring_server did not exit after SIGTERM");
                assertEquals(0, server.exitValue());
                // the rest of the answer, then end of stream (a read timeout would throw): closed by the shutdown
                String rest = new String(a.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(rest.endsWith(HttpResponses.BODY), rest);
            }
        } finally {
            server.destroyForcibly();
        }
    }
}
