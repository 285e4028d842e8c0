package io.contextlab.servers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Python models of the article's 2x2 (py_http_server.py, thread and fork mode, under Debian's
 * python3) through the same behaviour as every other model, and on SIGTERM an exit 0 with no
 * child left alive or unreaped. The program is the copy servers.jar carries (ServerProcess).
 */
class PythonServersTest {
    @ParameterizedTest
    @ValueSource(strings = {"thread", "fork"})
    void servesCorrectlyAndLeavesNothingOnSigterm(String mode, @TempDir Path dir) throws Exception {
        assertTrue(Files.isExecutable(Path.of(ServerProcess.PYTHON)), ServerProcess.PYTHON + " is missing");
        Path script = ServerProcess.pythonScript(dir);
        Process server = new ProcessBuilder(ServerProcess.PYTHON, script.toString(), "--mode=" + mode, "--port=0",
                "--idle-timeout-ms=" + ModelBehaviour.IDLE_TIMEOUT_MS).redirectError(ProcessBuilder.Redirect.INHERIT).start();
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

            try (var a = RawHttp.connect(port); var b = RawHttp.connect(port)) {
                a.getOutputStream().write("GET / HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                b.getOutputStream().write("GET / HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                a.getInputStream().read();
                b.getInputStream().read();
                List<ProcessHandle> children = server.descendants().toList();
                if (mode.equals("fork")) assertFalse(children.isEmpty(), "no child process while connections are open");
                server.destroy();                    // SIGTERM
                assertTrue(server.waitFor(20, TimeUnit.SECONDS), mode + " did not exit after SIGTERM");
                assertEquals(0, server.exitValue());
                for (ProcessHandle child : children) {
                    assertTrue(child.onExit().toCompletableFuture().completeOnTimeout(null, 5, TimeUnit.SECONDS)
                            .thenApply(h -> !child.isAlive()).join(), "child " + child.pid() + " outlived the server");
                }
            }
        } finally {
            server.destroyForcibly();
            server.descendants().forEach(ProcessHandle::destroyForcibly);
        }
    }
}
