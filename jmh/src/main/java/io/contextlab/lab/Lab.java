package io.contextlab.lab;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one command line of ContextLab, `scripts/lab COMMAND` once a JDK is found and the jar built:
 * one class per command. The lab root comes from CONTEXTLAB_ROOT (set by scripts/lab), else
 * from where this jar lies (jmh/target/benchmarks.jar); runs go to $LAB_RUNS_DIR, else
 * datasets/runs. Errors a user can cause end in one line, "lab: what (how to fix it)".
 */
@Command(name = "lab", mixinStandardHelpOptions = true, version = "ContextLab",
        description = "ContextLab: JMH suites, outside references, eBPF tracing and the report.",
        subcommands = {RunCommand.class, BenchCommand.class, TraceCommand.class, ServersCommand.class,
                DoctorCommand.class, ReportCommand.class, CompareCommand.class, SuitesCommand.class},
        footer = {"  test     build and run every test (JUnit, shell tests, notebooks)",
                "  build    build the jar and the native code if sources changed",
                "", "Environment: JAVA_HOME (a JDK >= 25), LAB_SUITES_FILE and LAB_RUNS_DIR",
                "(another suite registry / runs folder, for tests)."})
public final class Lab implements Runnable {
    /** The first words of every command line recorded in a run's metadata. */
    static final String SCRIPT = "scripts/lab";
    private static String[] arguments = new String[0];

    public static void main(String[] args) {
        arguments = args.clone();
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Lab());
        // bench and trace hand their arguments on as they are (JMH's options, TraceSession's and
        // the traced command after "--"), so unknown options are arguments and "--" is kept.
        for (String raw : List.of("bench", "trace")) {
            CommandLine sub = cl.getSubcommands().get(raw);
            sub.setUnmatchedOptionsArePositionalParams(true);
            sub.setStopAtPositional(true);
            sub.setEndOfOptionsDelimiter("--lab-no-end-of-options");
        }
        cl.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("lab: " + e.getMessage() + " (see scripts/lab --help)");
            return 2;
        });
        cl.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof LabException) {
                command.getErr().println("lab: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cl;
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** The command line as the user typed it, for metadata: "scripts/lab run --suites syscalls". */
    static String commandLineText() {
        return SCRIPT + (arguments.length == 0 ? "" : " " + String.join(" ", arguments));
    }

    /**
     * The repository: CONTEXTLAB_ROOT (set by scripts/lab), else -Dcontextlab.root, else two
     * folders above the one holding this jar. An environment variable, not a -D flag: JMH copies
     * its host JVM's flags into every fork's recorded jvmArgs, and this machine's path does not
     * belong in a run's data.
     */
    public static Path root() {
        String given = System.getenv("CONTEXTLAB_ROOT");
        if (given == null || given.isBlank()) {
            given = System.getProperty("contextlab.root");
        }
        if (given != null && !given.isBlank()) {
            return Path.of(given).toAbsolutePath().normalize();
        }
        try {
            Path jar = Path.of(Lab.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.getParent().getParent().getParent().toAbsolutePath().normalize();
        } catch (URISyntaxException | NullPointerException e) {
            throw new LabException("cannot tell where the lab is: run it through scripts/lab or pass -Dcontextlab.root=DIR");
        }
    }

    /** Where runs go: $LAB_RUNS_DIR, else datasets/runs. */
    public static Path runsDir() {
        String given = System.getenv("LAB_RUNS_DIR");
        return given != null && !given.isBlank() ? Path.of(given).toAbsolutePath() : root().resolve("datasets/runs");
    }

    /** The java the forks run on: this JVM's. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** This machine's short host name, for run directory names. */
    public static String host() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            int dot = name.indexOf('.');
            return (dot > 0 ? name.substring(0, dot) : name).replace('/', '-');
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** A path as shown to the user: relative to the lab root when under it. */
    static String shown(Path path) {
        Path root = root();
        Path p = path.toAbsolutePath().normalize();
        return p.startsWith(root) ? root.relativize(p).toString() : p.toString();
    }

    /**
     * {@code path} relative to the working directory, which JMH's forks share with this JVM: for
     * paths handed to JMH or to the forks, which JMH prints or records (no path of this machine in
     * a run's log or results). Absolute only when the two share no root.
     */
    static String fromWorkingDirectory(Path path) {
        Path cwd = Path.of("").toAbsolutePath();
        Path abs = path.toAbsolutePath().normalize();
        return abs.getRoot() != null && abs.getRoot().equals(cwd.getRoot()) ? cwd.relativize(abs).toString() : abs.toString();
    }

    static void note(String text) {
        System.err.println("\033[1mlab:\033[0m " + text);
    }

    /** Runs a child process with {@code cwd}, its output copied line by line to {@code out}; returns its exit status. */
    static int child(List<String> command, Path cwd, java.io.PrintStream out) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.INHERIT);
        Process process = pb.start();
        try (var in = process.getInputStream()) {
            in.transferTo(out);
            out.flush();
            return process.waitFor();
        } finally {
            process.destroy();
        }
    }
}
