package io.contextlab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line's parsing: options as `scripts/lab --help` lists them, arguments handed on as given. */
class LabTest {
    private static <T> T parsed(Class<T> type, String... args) {
        CommandLine.ParseResult result = Lab.commandLine().parseArgs(args);
        return type.cast(result.subcommand().commandSpec().userObject());
    }

    @Test
    void runOptions() {
        RunCommand run = parsed(RunCommand.class, "run", "--full", "--suites", "syscalls,servers", "--no-report");
        assertTrue(run.full);
        assertTrue(run.noReport);
        assertEquals(List.of("syscalls", "servers"), run.only);
        assertEquals(List.of("epoll"), parsed(RunCommand.class, "run", "--suites=epoll").only);
    }

    @Test
    void benchHandsJmhItsArgumentsInOrder() {
        BenchCommand bench = parsed(BenchCommand.class, "bench", "--trace", "-f", "1", "-jvmArgsPrepend", "-Xmx1g",
                "-p", "n=10,100", "SyscallLoops.getppid", "-lp");
        assertTrue(bench.trace);
        assertEquals(List.of("-f", "1", "-jvmArgsPrepend", "-Xmx1g", "-p", "n=10,100", "SyscallLoops.getppid", "-lp"), bench.jmhArgs);
        BenchCommand async = parsed(BenchCommand.class, "bench", "--profile", "async", "-l");
        assertEquals("async", async.profile);
        assertFalse(async.trace);
        assertEquals(List.of("-l"), async.jmhArgs);
        assertEquals(List.of("-h"), parsed(BenchCommand.class, "bench", "-h").jmhArgs);
    }

    @Test
    void traceKeepsTheCommandAfterTheDoubleDash() {
        TraceCommand trace = parsed(TraceCommand.class, "trace", "--probes", "syscalls,cswitch", "--", "/bin/sh", "-c", "true");
        assertEquals(List.of("--probes", "syscalls,cswitch", "--", "/bin/sh", "-c", "true"), trace.args);
    }

    @Test
    void serversOptions() {
        ServersCommand servers = parsed(ServersCommand.class, "servers", "--full", "--models=thread,st", "--duration", "2");
        assertTrue(servers.full);
        assertEquals("thread,st", servers.models);
        assertEquals("2", servers.duration);
    }

    @Test
    void aWrongOptionIsOneLine() {
        for (String[] args : List.of(new String[] {"run", "--frobnicate"}, new String[] {"frobnicate"},
                new String[] {"doctor", "--jsn"})) {
            CommandLine cl = Lab.commandLine();
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err, true));
            assertEquals(2, cl.execute(args));
            String text = err.toString().strip();
            assertTrue(text.startsWith("lab: ") && !text.contains("\n"), text);
        }
    }
}
