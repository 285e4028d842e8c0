package io.contextlab.servers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        CServersTest.servesCorrectlyAndStopsClean(List.of(ServerProcess.PYTHON, script.toString(), "--mode=" + mode,
                "--port=0", "--idle-timeout-ms=" + ModelBehaviour.IDLE_TIMEOUT_MS), "py " + mode, mode.equals("thread"));
    }
}
