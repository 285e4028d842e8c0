package io.contextlab.lab;

import io.contextlab.platform.JvmFlags;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.profile.Profiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Defaults;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.ProfilersFailedException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.ProfilerConfig;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Main-Class of benchmarks.jar and the JMH side of `lab bench` and `lab run`: JMH's own command
 * line, parsed by JMH, with {@link JvmFlags#ALL} (and the {@link AotCache} flag, when there is a
 * fresh cache) prepended to every fork's JVM arguments (before a user's own -jvmArgsPrepend) and {@link FiguresProfiler} always on — added to JMH's options, not
 * spliced into the arguments, so every JMH option works in any position.
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        int status = run(args, List.of(), System.out);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * {@code parent} with the fork flags prepended, FiguresProfiler and {@code extra} profilers
     * added (each once), for a caller to add more (include, result file) before building.
     */
    public static ChainedOptionsBuilder forks(Options parent, List<Class<? extends Profiler>> extra) {
        return forks(parent, extra, true);
    }

    /** The same; {@code aot}: the forks start from the AOT cache when a fresh one exists ({@link AotCache}). */
    static ChainedOptionsBuilder forks(Options parent, List<Class<? extends Profiler>> extra, boolean aot) {
        List<String> prepend = new ArrayList<>(JvmFlags.ALL);
        if (aot) prepend.addAll(AotCache.forkFlags());
        prepend.addAll(parent.getJvmArgsPrepend().orElse(List.of()));
        ChainedOptionsBuilder builder = new OptionsBuilder().parent(parent).jvmArgsPrepend(prepend.toArray(String[]::new));
        List<Class<? extends Profiler>> profilers = new ArrayList<>();
        profilers.add(FiguresProfiler.class);
        profilers.addAll(extra);
        for (Class<? extends Profiler> profiler : profilers) {
            boolean given = parent.getProfilers().stream().map(ProfilerConfig::getKlass).anyMatch(profiler.getName()::equals);
            if (!given) {
                builder.addProfiler(profiler);
            }
        }
        return builder;
    }

    /** The options `java -jar benchmarks.jar ARGS` runs with. */
    public static Options options(String[] args, List<Class<? extends Profiler>> extra) throws CommandLineOptionException {
        return forks(new CommandLineOptions(args), extra).build();
    }

    /** A Runner whose console output goes to {@code out}, at the options' verbosity. */
    public static Runner runner(Options options, PrintStream out) {
        return new Runner(options, format(options, out));
    }

    /** The same, with the benchmarks that fail noted in {@code watch} (made by {@link #watch}). */
    public static Runner runner(Options options, FailureWatch watch) {
        return new Runner(options, watch);
    }

    /** A FailureWatch over the console output a Runner on {@code options} would write to {@code out}. */
    public static FailureWatch watch(Options options, PrintStream out) {
        return new FailureWatch(format(options, out));
    }

    private static OutputFormat format(Options options, PrintStream out) {
        return OutputFormatFactory.createFormatInstance(out, options.verbosity().orElse(Defaults.VERBOSITY));
    }

    /**
     * What JMH's own Main does (help, the lists, or a run, with JMH's messages and exit codes),
     * on the options above. Returns the exit status.
     */
    public static int run(String[] args, List<Class<? extends Profiler>> extra, PrintStream out) throws Exception {
        CommandLineOptions cmd;
        Options options;
        try {
            cmd = new CommandLineOptions(args);
            options = forks(cmd, extra).build();
        } catch (CommandLineOptionException e) {
            System.err.println("Error parsing command line:");
            System.err.println(" " + e.getMessage());
            return 1;
        }
        Runner runner = runner(options, out);
        if (cmd.shouldHelp()) {
            cmd.showHelp();
        } else if (cmd.shouldList()) {
            runner.list();
        } else if (cmd.shouldListWithParams()) {
            runner.listWithParams(cmd);
        } else if (cmd.shouldListProfilers()) {
            cmd.listProfilers();
        } else if (cmd.shouldListResultFormats()) {
            cmd.listResultFormats();
        } else {
            return runReporting(runner, options) == null ? 1 : 0;
        }
        return 0;
    }

    /** Runs, and on failure prints JMH's message and returns null. */
    public static Collection<RunResult> runReporting(Runner runner, Options options) {
        try {
            return runner.run();
        } catch (NoBenchmarksException e) {
            System.err.println("No matching benchmarks. Miss-spelled regexp?");
            if (options.verbosity().orElse(Defaults.VERBOSITY) != VerboseMode.EXTRA) {
                System.err.println("Use " + VerboseMode.EXTRA + " verbose mode to debug the pattern matching.");
            }
        } catch (ProfilersFailedException e) {
            System.err.println(e.getMessage());
        } catch (RunnerException e) {
            System.err.print("ERROR: ");
            e.printStackTrace(System.err);
        }
        return null;
    }
}
