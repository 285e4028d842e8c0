package io.contextlab.servers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The C fork-per-connection (and its thread-per-connection mode, c-thread), prefork and io_uring servers: the same behaviour as the Java models,
 * and on SIGTERM the server exits 0 having taken every child down and reaped it (none is left
 * alive or as a zombie). The io_uring server and the thread mode have no children (one thread, one ring): for it the
 * SIGTERM with connections open must simply end in exit 0.
 */
class CServersTest {
    private static Path binary(String name) {
        String dir = System.getProperty("contextlab.servers.native", "target/native");
        Path p = Path.of(dir, name);
        assertTrue(Files.isExecutable(p), p + " is missing: the build (make via exec-maven-plugin) did not run");
        return p;
    }

    @ParameterizedTest
    @ValueSource(strings = {"fork_server", "fork_server --mode=thread", "prefork_server", "uring_server"})
    void servesCorrectlyAndReapsEveryChildOnSigterm(String program) throws Exception {
        String[] words = program.split(" ");
        String name = words[0];
        boolean childless = name.startsWith("uring") || program.contains("--mode=thread");
        List<String> cmd = new ArrayList<>(List.of(binary(name).toString(), "--port=0",
                "--idle-timeout-ms=" + ModelBehaviour.IDLE_TIMEOUT_MS));
        cmd.addAll(List.of(words).subList(1, words.length));
        if (name.startsWith("prefork")) cmd.add("--workers=8");
        servesCorrectlyAndStopsClean(cmd, program, childless);
    }

    /**
     * Starts the server of cmd (it prints "ready PORT"), checks every model's behaviour on it,
     * then SIGTERMs it with two connections open: exit 0, and no child alive or left unreaped
     * (childless: a server that has no child processes at all). Also for the Python models.
     */
    static void servesCorrectlyAndStopsClean(List<String> cmd, String name, boolean childless) throws Exception {
        Process server = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
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

            // Children alive at shutdown: the prefork workers, and for fork a few open connections.
            try (var a = RawHttp.connect(port); var b = RawHttp.connect(port)) {
                a.getOutputStream().write("GET / HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                b.getOutputStream().write("GET / HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                a.getInputStream().read();
                b.getInputStream().read();           // both answered: their children exist now
                List<ProcessHandle> children = server.descendants().toList();
                if (!childless) assertFalse(children.isEmpty(), "no child process while connections are open");
                server.destroy();                    // SIGTERM
                assertTrue(server.waitFor(20, TimeUnit.SECONDS), name + " did not exit after SIGTERM");
                assertEquals(0, server.exitValue());
                for (ProcessHandle child : children) {
                    assertFalse(child.isAlive(), "child " + child.pid() + " outlived the server");
                    assertFalse(Files.exists(Path.of("/proc", Long.toString(child.pid()))),
                            "child " + child.pid() + " left unreaped (zombie)");
                }
            }
        } finally {
            server.destroyForcibly();
            server.descendants().forEach(ProcessHandle::destroyForcibly);
        }
    }
}
