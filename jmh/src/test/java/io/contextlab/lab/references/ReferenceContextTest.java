package io.contextlab.lab.references;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A missing or failing program gives one line and no row, never an exception. */
class ReferenceContextTest {
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    private ReferenceContext context(Path root) {
        return new ReferenceContext(root, root, List.of(), new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @Test
    void aProgramNotBuiltGivesOneLineAndNoRow(@TempDir Path root) throws Exception {
        for (String name : List.of("SyscallsReference", "UringReference")) {
            assertEquals(List.of(), References.named(name).measure(context(root)));
        }
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("syscall_loop is not built (scripts/lab build)"), text);
        assertTrue(text.contains("uring_nop is not built"), text);
    }

    @Test
    void aFailingOrMissingCommandIsLoggedAndGivesNothing(@TempDir Path root) {
        ReferenceContext c = context(root);
        assertTrue(c.run("x", Duration.ofSeconds(10), List.of("false")).isEmpty());
        assertTrue(c.run("x", Duration.ofSeconds(10), List.of(root.resolve("absent").toString())).isEmpty());
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("### false"), text);
        assertTrue(text.contains("false failed (exit 1"), text);
        assertTrue(text.contains("could not start"), text);
        assertTrue(!text.contains(root.toString()), "commands are logged by program name: " + text);
    }

    @Test
    void outputAParserCannotReadGivesOneLineAndNoRow(@TempDir Path root) {
        ReferenceContext c = context(root);
        assertEquals(List.of(), c.read("syscalls", "syscall_loop", "{\"check\": \"an old JSON line\"}", text -> SyscallsReference.parse(text, "getppid")));
        assertEquals(List.of(), c.read("uring", "uring_nop", "nop n=1 nops=8 ns/op:\n", UringReference::parse));
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("syscalls reference: could not read the output of syscall_loop"), text);
        assertTrue(text.contains("uring reference: could not read the output of uring_nop"), text);
    }

    @Test
    void aContextOnACpuRunsItsProgramsThere(@TempDir Path root) {
        var out = context(root).onCpu(0).run("x", Duration.ofSeconds(10), List.of("grep", "Cpus_allowed_list", "/proc/self/status"));
        assertTrue(out.isPresent());
        assertEquals("Cpus_allowed_list:\t0", out.get().stdout().strip());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("### taskset -c 0 grep"), log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aCommandOverItsTimeIsKilled(@TempDir Path root) {
        assertTrue(context(root).run("x", Duration.ofMillis(200), List.of("sleep", "30")).isEmpty());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("did not finish"));
    }
}
