package io.contextlab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contextlab.platform.SchemaCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/** suites.json: valid against its schema, every include matches built benchmarks, JMH parses every setting. */
class SuiteRegistryTest {
    private static final Path FILE = SchemaCheck.schemaDir().getParent().getParent().resolve("suites.json");

    private static SuiteRegistry registry() {
        return SuiteRegistry.read(FILE);
    }

    @Test
    void theRegistryValidatesAgainstItsSchema() throws Exception {
        SchemaCheck.assertValid("suites.v1", Files.readString(FILE));
    }

    @Test
    void everyIncludeMatchesABuiltBenchmark() {
        Set<String> benchmarks = BenchmarkList.defaultList().getAll(null, List.of()).stream()
                .map(BenchmarkListEntry::getUsername).collect(Collectors.toSet());
        assertFalse(benchmarks.isEmpty(), "META-INF/BenchmarkList lists benchmarks");
        SuiteRegistry r = registry();
        for (SuiteRegistry.Suite s : r.suites()) {
            Pattern include = Pattern.compile(s.include());
            assertTrue(benchmarks.stream().anyMatch(b -> include.matcher(b).find()), s.name() + ": " + s.include());
            assertTrue(benchmarks.stream().filter(b -> include.matcher(b).find()).allMatch(b -> b.startsWith(s.packageName() + ".")),
                    s.name() + " stays in its package " + s.packageName());
        }
        for (SuiteRegistry.Step s : r.steps()) {
            if (s.include() != null) {
                Pattern include = Pattern.compile(s.include());
                assertEquals(2, benchmarks.stream().filter(b -> include.matcher(b).find()).count(), s.name());
            }
        }
    }

    @Test
    void everyClaimBenchmarkIsABuiltBenchmarkOfItsSuite() {
        Set<String> benchmarks = BenchmarkList.defaultList().getAll(null, List.of()).stream()
                .map(BenchmarkListEntry::getUsername).collect(Collectors.toSet());
        SuiteRegistry r = registry();
        assertTrue(r.claimForks() != null && r.claimForks() >= 3, "a claim's interval spans at least 3 forks");
        for (SuiteRegistry.Suite s : r.suites()) {
            if (s.claimBenchmarks() == null) continue;
            Pattern claims = Pattern.compile(s.claimInclude());
            for (String b : s.claimBenchmarks()) {
                assertTrue(benchmarks.contains(s.packageName() + "." + b), s.name() + ": no benchmark " + b);
            }
            assertEquals(s.claimBenchmarks().size(), benchmarks.stream().filter(b -> claims.matcher(b).find()).count(),
                    s.name() + ": the claim regex matches exactly the listed benchmarks");
        }
    }

    @Test
    void aQuickRunMeasuresTheClaimBenchmarksAtClaimForksThenTheRest() throws Exception {
        SuiteRegistry r = registry();
        SuiteRegistry.Suite epoll = r.suite("epoll").orElseThrow();
        List<RunCommand.Part> quick = RunCommand.parts(r, epoll, false);
        assertEquals(2, quick.size());
        assertEquals(epoll.claimInclude(), quick.get(0).include());
        CommandLineOptions first = new CommandLineOptions(SuiteRegistry.words(quick.get(0).args()));
        assertEquals(r.claimForks(), first.getForkCount().get());
        CommandLineOptions rest = new CommandLineOptions(SuiteRegistry.words(quick.get(1).args()));
        assertTrue(rest.getExcludes().contains(epoll.claimInclude()), "the rest excludes the claim benchmarks");
        assertTrue(rest.getExcludes().size() > 1, "the suite's own excludes stay");
        assertEquals(1, RunCommand.parts(r, epoll, true).size(), "full mode: one invocation, the annotations' forks");
        assertEquals("-f 3 -i 1", RunCommand.withForks("-i 1", 3));
        SuiteRegistry.Suite stacks = r.suite("stacks").orElseThrow();
        assertTrue(stacks.disturbedByDesign("io.contextlab.stacks.SpawnCosts.forkWait"), "a listed class covers its methods");
        assertFalse(stacks.disturbedByDesign("io.contextlab.stacks.MinorFaults.touchEveryPage"));
        assertEquals("-i 1 -f 3", RunCommand.withForks("-i 1 -f 1", 3));
    }

    @Test
    void jmhParsesEverySetting() throws Exception {
        for (SuiteRegistry.Suite s : registry().suites()) {
            new CommandLineOptions(SuiteRegistry.words(s.quick()));
            new CommandLineOptions(SuiteRegistry.words(s.full()));
        }
        for (SuiteRegistry.Step s : registry().steps()) {
            new CommandLineOptions(SuiteRegistry.words(s.quick()));
            new CommandLineOptions(SuiteRegistry.words(s.full()));
        }
    }

    @Test
    void namesAreTheSuitesThenTheSteps() {
        List<String> names = registry().names();
        assertEquals("syscalls", names.get(0));
        assertTrue(names.containsAll(List.of("servers", "ebpf-perturbation")));
        assertEquals(names.size(), Set.copyOf(names).size(), "names are unique");
    }

    @Test
    void aFileOfAnotherFormatIsRefusedInOneLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("suites.json");
        Files.writeString(file, "{\"format\": \"contextlab.suites/9\", \"suites\": [], \"steps\": []}");
        LabException e = assertThrows(LabException.class, () -> SuiteRegistry.read(file));
        assertTrue(e.getMessage().contains("contextlab.suites/1") && !e.getMessage().contains("\n"), e.getMessage());
        assertThrows(LabException.class, () -> SuiteRegistry.read(dir.resolve("missing.json")));
    }

    @Test
    void wordsSplitOnSpaces() {
        assertEquals(List.of("-f", "1", "-p", "n=10,1000"), List.of(SuiteRegistry.words("  -f 1  -p n=10,1000 ")));
        assertEquals(0, SuiteRegistry.words("").length);
    }
}
