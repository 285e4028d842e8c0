package io.contextlab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.contextlab.platform.JvmFlags;
import io.contextlab.platform.SchemaCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metadata.json as RunMetadata writes it, the jmh.json merge, and a run closed by the shutdown hook. */
class RunMetadataTest {
    private static RunMetadata metadata(String run) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("host", "testhost");
        env.put("kernel", "6.1.0-test");
        env.put("jdk", Map.of("version", "25", "vendor", "test"));
        env.put("loadavg", List.of(0.1, 0.2, 0.3));
        return new RunMetadata(run, "quick", "scripts/lab run --suites syscalls", new RunMetadata.Git("0123abc", false),
                env, List.of("a warning"), new RunMetadata.Jmh("1.37", JvmFlags.ALL,
                        List.of(new RunMetadata.SuiteArgs("syscalls", "io\\.contextlab\\.syscalls\\.", "-f 1"))));
    }

    @Test
    void aRunningRunValidates() {
        RunMetadata m = metadata("20260101T000000Z-testhost");
        m.suite("switches", RunMetadata.SuiteStatus.skipped("not selected with --suites"));
        SchemaCheck.assertValid("metadata.v2", m.toJson());
        JsonObject json = JsonParser.parseString(m.toJson()).getAsJsonObject();
        assertEquals("contextlab.metadata/2", json.get("format").getAsString());
        assertTrue(json.get("finished").isJsonNull());
        assertEquals("running", json.get("status").getAsString());
    }

    @Test
    void aFinishedRunValidates() {
        RunMetadata m = metadata("20260101T000000Z-testhost");
        m.suite("syscalls", new RunMetadata.SuiteStatus("measured", null, RunMetadata.now(), RunMetadata.now(), 3));
        m.suite("servers", new RunMetadata.SuiteStatus("failed", "the servers driver exited with 1 (see log)",
                RunMetadata.now(), RunMetadata.now(), null));
        m.finish("complete", 3);
        SchemaCheck.assertValid("metadata.v2", m.toJson());
        assertEquals(3, JsonParser.parseString(m.toJson()).getAsJsonObject().get("benchmarks").getAsInt());
    }

    @Test
    void aMisspeltStatusDoesNotValidate() {
        RunMetadata m = metadata("r");
        m.finish("done", 0);
        assertThrows(AssertionError.class, () -> SchemaCheck.assertValid("metadata.v2", m.toJson()));
    }

    @Test
    void theMergeAddsTheSuiteAndKeepsTheRest(@TempDir Path run) throws Exception {
        Path jmh = Files.createDirectories(run.resolve("jmh"));
        Files.writeString(jmh.resolve("syscalls.json"), """
                [{"jmhVersion": "1.37", "benchmark": "io.contextlab.syscalls.SyscallLoops.getppid", "mode": "avgt",
                  "primaryMetric": {"score": 85.125, "scoreError": "NaN", "scoreUnit": "ns/op"}, "secondaryMetrics": {}}]""");
        Files.writeString(jmh.resolve("switches.json"), "[{\"benchmark\": \"a\"}, {\"benchmark\": \"b\", \"params\": {\"n\": \"10\"}}]");
        assertEquals(3, RunDirectory.mergeJmh(run));
        JsonArray merged = JsonParser.parseString(Files.readString(run.resolve("jmh.json"))).getAsJsonArray();
        assertEquals(List.of("switches", "switches", "syscalls"),
                merged.asList().stream().map(r -> r.getAsJsonObject().get("suite").getAsString()).toList());
        JsonObject getppid = merged.get(2).getAsJsonObject();
        assertEquals("85.125", getppid.getAsJsonObject("primaryMetric").get("score").getAsString());
        assertEquals("NaN", getppid.getAsJsonObject("primaryMetric").get("scoreError").getAsString());
        assertEquals("avgt", getppid.get("mode").getAsString());
        assertEquals("10", merged.get(1).getAsJsonObject().getAsJsonObject("params").get("n").getAsString());
        assertFalse(Files.exists(jmh), "the per-suite files are merged away");
    }

    @Test
    void anInterruptedRunIsRenamedAndMarked(@TempDir Path runs) throws Exception {
        RunDirectory run = RunDirectory.open(runs, "-test", RunMetadataTest::metadata);
        assertTrue(run.dir().getFileName().toString().startsWith(".incomplete-"));
        run.log().println("written before the interrupt");
        Files.createDirectories(run.dir().resolve("jmh"));
        Files.writeString(run.dir().resolve("jmh/syscalls.json"), "[{\"benchmark\": \"x\"}]");
        run.suite("syscalls", new RunMetadata.SuiteStatus("measured", null, RunMetadata.now(), RunMetadata.now(), 1));
        run.interrupted();   // what the shutdown hook runs on Ctrl-C or SIGTERM
        assertFalse(Files.exists(run.dir()));
        Path done = run.target();
        assertFalse(done.getFileName().toString().startsWith("."));
        String json = Files.readString(done.resolve("metadata.json"));
        SchemaCheck.assertValid("metadata.v2", json);
        JsonObject meta = JsonParser.parseString(json).getAsJsonObject();
        assertEquals("interrupted", meta.get("status").getAsString());
        assertEquals(done.getFileName().toString(), meta.get("run").getAsString());
        assertEquals(1, meta.get("benchmarks").getAsInt());
        assertTrue(Files.readString(done.resolve("log")).contains("written before the interrupt"));
        assertEquals(done, run.finish("complete"), "only the first close acts");
        assertEquals("interrupted", JsonParser.parseString(Files.readString(done.resolve("metadata.json")))
                .getAsJsonObject().get("status").getAsString());
        assertNull(JsonParser.parseString(json).getAsJsonObject().get("git").getAsJsonObject().get("nothing"));
    }
}
