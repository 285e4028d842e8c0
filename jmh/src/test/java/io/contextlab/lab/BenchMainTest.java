package io.contextlab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contextlab.platform.JvmFlags;
import io.contextlab.tracing.EbpfProfiler;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.ProfilerConfig;

/** JMH's options as BenchMain builds them, whatever the position of the JVM-argument options (issue 16 item 5). */
class BenchMainTest {
    private static final String FIGURES = FiguresProfiler.class.getName();

    private static List<String> prepended(String... user) {
        List<String> all = new ArrayList<>(JvmFlags.ALL);
        all.addAll(List.of(user));
        return all;
    }

    private static List<String> profilers(Options options) {
        return options.getProfilers().stream().map(ProfilerConfig::getKlass).toList();
    }

    static Stream<Arguments> positions() {
        return Stream.of("-jvmArgs", "-jvmArgsPrepend", "-jvmArgsAppend").flatMap(option -> Stream.of(
                Arguments.of(option, new String[] {option, "-Xmx1g", "-f", "1", "-l", "syscalls"}),
                Arguments.of(option, new String[] {"-f", "1", option, "-Xmx1g", "-l", "syscalls"}),
                Arguments.of(option, new String[] {"-f", "1", "-l", "syscalls", option, "-Xmx1g"})));
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("positions")
    void everyJvmArgsOptionWorksInAnyPosition(String option, String[] args) throws Exception {
        Options options = BenchMain.options(args, List.of());
        assertTrue(new CommandLineOptions(args).shouldList(), "-l still lists");
        assertEquals(List.of("syscalls"), options.getIncludes());
        assertEquals(1, options.getForkCount().get());
        assertEquals(List.of(FIGURES), profilers(options));
        switch (option) {
            case "-jvmArgsPrepend" -> assertEquals(prepended("-Xmx1g"), List.copyOf(options.getJvmArgsPrepend().get()));
            case "-jvmArgs" -> {
                assertEquals(List.of("-Xmx1g"), List.copyOf(options.getJvmArgs().get()));
                assertEquals(prepended(), List.copyOf(options.getJvmArgsPrepend().get()));
            }
            default -> {
                assertEquals(List.of("-Xmx1g"), List.copyOf(options.getJvmArgsAppend().get()));
                assertEquals(prepended(), List.copyOf(options.getJvmArgsPrepend().get()));
            }
        }
    }

    @Test
    void forkFlagsAndTheFiguresProfilerWhenNothingIsGiven() throws Exception {
        Options options = BenchMain.options(new String[0], List.of());
        assertEquals(prepended(), List.copyOf(options.getJvmArgsPrepend().get()));
        assertEquals(List.of(FIGURES), profilers(options));
    }

    @Test
    void doesNotAddAProfilerTwice() throws Exception {
        Options options = BenchMain.options(new String[] {"-prof", FIGURES, "-prof", EbpfProfiler.class.getName()},
                List.of(EbpfProfiler.class));
        assertEquals(List.of(FIGURES, EbpfProfiler.class.getName()), profilers(options));
    }

    @Test
    void theEbpfProfilerIsAddedWhenAsked() throws Exception {
        Options options = BenchMain.options(new String[] {"-f", "1"}, List.of(EbpfProfiler.class));
        assertEquals(List.of(FIGURES, EbpfProfiler.class.getName()), profilers(options));
    }
}
