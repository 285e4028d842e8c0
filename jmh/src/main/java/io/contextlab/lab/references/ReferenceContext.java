package io.contextlab.lab.references;

import io.contextlab.lab.env.Commands;
import org.openjdk.jmh.results.RunResult;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a reference needs: where the lab and its built programs are, the run directory, the
 * suite's JMH results (to join with), references.log for raw outputs, and the CPU to run
 * programs on (null: wherever the scheduler puts them): a pair's probe runs on the CPU its
 * benchmark's thread ran on (PairedProbes), so both sides of a pair see the same vCPU.
 */
public record ReferenceContext(Path labRoot, Path runDir, Collection<RunResult> results, PrintStream log, Integer cpu) {

    public ReferenceContext(Path labRoot, Path runDir, Collection<RunResult> results, PrintStream log) {
        this(labRoot, runDir, results, log, null);
    }

    /** The same context, programs run on {@code cpu} (taskset -c; null or no taskset: unpinned). */
    ReferenceContext onCpu(Integer cpu) {
        return new ReferenceContext(labRoot, runDir, results, log, cpu);
    }

    /** A cross-check program built from jmh/src/main/c/crosscheck/NAME.c. */
    public Path program(String name) {
        return labRoot.resolve("jmh/target/crosscheck").resolve(name);
    }

    /** The program if it is built, else empty after saying so in one line (and how to mend it). */
    Optional<Path> builtProgram(String suite, String name) {
        Path p = program(name);
        if (Files.isExecutable(p)) return Optional.of(p);
        say(suite, "jmh/target/crosscheck/" + name + " is not built (scripts/lab build): no " + name + " rows");
        return Optional.empty();
    }

    /**
     * Runs a program, its raw output to references.log under a "### command" header; its output
     * when it exits 0 in time, else empty after one line saying what went wrong.
     */
    Optional<Commands.Output> run(String suite, Duration timeout, List<String> command) {
        Optional<Path> taskset = cpu == null ? Optional.empty() : Commands.onPath("taskset");
        if (taskset.isPresent()) {
            List<String> pinned = new java.util.ArrayList<>(List.of(taskset.get().toString(), "-c", Integer.toString(cpu)));
            pinned.addAll(command);
            command = pinned;
        }
        String shown = shown(command);
        log.printf("### %s (%s)%n", shown, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        Optional<Commands.Output> out = Commands.run(timeout, command);
        if (out.isEmpty()) {
            log.println("could not start");
            say(suite, shown(command.subList(0, 1)) + " could not start (not installed?): no rows from " + shown);
            return Optional.empty();
        }
        Commands.Output o = out.get();
        log.print(o.stdout());
        if (!o.stderr().isEmpty()) log.print(o.stderr());
        log.println();
        if (o.timedOut()) {
            say(suite, shown + " did not finish in " + timeout.toSeconds() + " s and was killed: no rows from it");
            return Optional.empty();
        }
        if (o.exit() != 0) {
            String why = o.stderr().strip().lines().reduce((a, b) -> b).orElse("no message");
            say(suite, shown + " failed (exit " + o.exit() + ": " + why + "): no rows from it");
            return Optional.empty();
        }
        return out;
    }

    /**
     * A program's output read by {@code parser}; empty, after one line, when it is not what the
     * parser expects (a program changed without its reader, a perf whose output moved).
     */
    <T> List<T> read(String suite, String program, String output, java.util.function.Function<String, List<T>> parser) {
        try {
            return parser.apply(output);
        } catch (RuntimeException e) {
            say(suite, "could not read the output of " + program + " (" + e.getMessage() + "): no rows from it");
            return List.of();
        }
    }

    /** A command as logged and recorded: programs and files by name, not by this machine's path to them. */
    static String shown(List<String> command) {
        return command.stream().map(a -> a.startsWith("/") || a.contains("/") && Files.exists(Path.of(a))
                ? Path.of(a).getFileName().toString() : a).collect(Collectors.joining(" "));
    }

    /** One line for the user, on the console and in references.log. */
    void say(String suite, String line) {
        String text = suite + " reference: " + line;
        System.err.println(text);
        log.println(text);
    }
}
