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
        assertFalse(run.smoke);
        assertEquals(io.contextlab.lab.references.Pairs.DEFAULT_PAIRS, run.pairs);
        RunCommand smoke = parsed(RunCommand.class, "run", "--full", "--smoke", "--pairs", "7");
        assertTrue(smoke.full && smoke.smoke);
        assertEquals(7, smoke.pairs);
    }

    @Test
    void smokeIsOneShortIterationOverTheFullSettingsKeepingTheirParams() throws Exception {
        org.openjdk.jmh.runner.options.Options full = new org.openjdk.jmh.runner.options.CommandLineOptions(
                "-f", "3", "-wi", "3", "-w", "1s", "-i", "5", "-r", "1s", "-p", "background=0,16");
        org.openjdk.jmh.runner.options.Options smoke = RunCommand.smoke(BenchMain.forks(full, List.of())).build();
        org.openjdk.jmh.runner.options.Options said = new org.openjdk.jmh.runner.options.CommandLineOptions(
                SuiteRegistry.words(RunCommand.SMOKE));
        assertEquals(said.getForkCount(), smoke.getForkCount());
        assertEquals(said.getWarmupIterations(), smoke.getWarmupIterations());
        assertEquals(said.getWarmupTime(), smoke.getWarmupTime());
        assertEquals(said.getMeasurementIterations(), smoke.getMeasurementIterations());
        assertEquals(said.getMeasurementTime(), smoke.getMeasurementTime());
        assertEquals(List.of("0", "16"), List.copyOf(smoke.getParameter("background").get()));
    }

    @Test
    void smokeWithoutFullIsOneLine() {
        RunCommand run = parsed(RunCommand.class, "run", "--smoke");
        LabException e = org.junit.jupiter.api.Assertions.assertThrows(LabException.class, run::call);
        assertEquals(1, e.getMessage().lines().count());
        assertTrue(e.getMessage().contains("--full"), e.getMessage());
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
