package io.contextlab.servers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every Java model, in this JVM: correct answers under concurrent keep-alive clients, 400 and
 * close for malformed requests, idle connections closed after the timeout, clients that vanish
 * mid-request survived, and a clean close — the JVM has exactly the descriptors it had before
 * the server started, and none of the model's threads is left.
 */
class JavaModelsTest {
    private static ServerConfig testConfig() {
        return ServerConfig.defaults().withIdleTimeout(Duration.ofMillis(ModelBehaviour.IDLE_TIMEOUT_MS)).withWorkers(8);
    }

    @ParameterizedTest
    @EnumSource(value = Models.class, names = {"THREAD", "POOL", "SELECTOR", "REUSEPORT", "VIRTUAL", "ST", "ST_REUSEPORT"})
    void servesCorrectlyAndClosesCleanly(Models model) throws Exception {
        // One throw-away round first, so that classes, JDK-internal selectors and the HttpClient's
        // own lazily opened descriptors exist before the count.
        exercise(model, false);
        Set<String> before = openDescriptors();
        exercise(model, true);
        Set<String> after = awaitDescriptors(before);
        assertEquals(before, after, model.id() + " left descriptors open (or closed some it did not own)");
        List<String> leftovers = modelThreads();
        // An executor reports termination from its last worker just before that thread exits:
        // give the exits a bounded moment rather than racing them.
        for (int i = 0; i < 100 && !leftovers.isEmpty(); i++) {
            Thread.sleep(20);
            leftovers = modelThreads();
        }
        assertTrue(leftovers.isEmpty(), model.id() + " left threads running: " + leftovers);
    }

    private static List<String> modelThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("thread-conn-") || n.startsWith("pool-") || n.startsWith("selector")
                        || n.startsWith("reuseport-loop-") || n.startsWith("st-loop") || n.endsWith("-acceptor"))
                .toList();
    }

    private static void exercise(Models model, boolean everything) throws Exception {
        try (ServerModel server = model.create(testConfig())) {
            server.start();
            int port = server.port();
            ModelBehaviour.answersConcurrentKeepAliveClients(port);
            ModelBehaviour.honoursConnectionClose(port);
            if (everything) {
                ModelBehaviour.answersPipelinedRequestsInOrder(port);
                ModelBehaviour.rejectsMalformedRequestsAndCloses(port);
                ModelBehaviour.closesIdleAndTricklingConnections(port);
                ModelBehaviour.survivesClientsVanishingMidRequest(port);
            }
        }
    }

    /** The descriptors of this JVM as "fd -> target", with the targets of sockets kept generic. */
    static Set<String> openDescriptors() throws IOException {
        Set<String> fds = new TreeSet<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : entries.toList()) {
                try {
                    fds.add(fd.getFileName() + " -> " + Files.readSymbolicLink(fd));
                } catch (IOException closedMeanwhile) {
                    // the directory stream's own descriptor, gone once listed
                }
            }
        }
        return fds;
    }

    /** Closing is synchronous in every model, but let a lagging finaliser-free close settle (bounded). */
    private static Set<String> awaitDescriptors(Set<String> expected) throws Exception {
        Set<String> now = openDescriptors();
        for (int i = 0; i < 40 && !now.equals(expected); i++) {
            Thread.sleep(50);
            now = openDescriptors();
        }
        return now;
    }
}
