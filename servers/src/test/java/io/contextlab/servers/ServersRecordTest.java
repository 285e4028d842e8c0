package io.contextlab.servers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.contextlab.platform.JvmFlags;
import io.contextlab.platform.SchemaCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * servers.json against its schema (datasets/schema/servers.v4.schema.json; committed runs against theirs) without a sweep: a
 * report of synthetic points of every status, written the way the driver writes it, and every
 * committed run's servers.json.
 */
class ServersRecordTest {
    private static ServersReport.Report synthetic(Path runDir) {
        Settings.Load one = new Settings.Load(1, true);
        ServersReport.Point measured = new ServersReport.Point("selector", 1, "keep-alive", 1, "measured", null, 1, 1.0, 10L,
                10.0, 10.0, 1000.0, new ServersReport.Latency(1, 2, 3, 4, 5, 1.5, 0.5),
                new ServersReport.Errors(0, 0, 0, 0, 0), 1, 0,
                new ServersReport.ServerStats(true, 0.25, 0.6, 1, 8, 1024, 512L, 9, 0.35, 3L, 1L, 0.3, 0.1),
                new CpuAccount.Window(0.35, 0.5, 0.4, 0.0, 1.0, 0.1, 0.0), 8, 0, 5L, false).withRestart();
        List<ServersReport.Point> points = List.of(measured,
                ServersReport.Point.skipped("fork", one, 1, "needs more descriptors"),
                ServersReport.Point.failed("nginx", one, 2, "server not started"));
        List<String> command = ServersReport.portable(List.of("/opt/jdk/bin/java", "-Xmx1g", "-cp",
                "/somewhere/servers/target/servers.jar", Main.class.getName(), "serve", "selector"), runDir);
        List<ServersReport.Server> servers = List.of(
                new ServersReport.Server("selector", "java", "one selector thread", command, 18080, "ok", null, 100L, 7, 12,
                        4096L, 0, 20L),
                new ServersReport.Server("nginx", "reference", "nginx", List.of(), 18081, "failed", "no nginx", null, null,
                        null, null, null, null));
        Map<String, Object> settings = new java.util.LinkedHashMap<>();
        settings.put("models", List.of("selector", "fork", "nginx"));
        settings.put("concurrency", List.of(1));
        settings.put("close_concurrency", List.of());
        settings.put("duration_s", 1.0);
        settings.put("close_duration_s", 1.0);
        settings.put("warmup_s", 0.0);
        settings.put("warmup_connections", 10);
        settings.put("wrk_threads", "1");
        settings.put("wrk_timeout_s", 4.0);
        settings.put("idle_timeout_ms", 30_000);
        settings.put("pool_workers", 4);
        settings.put("event_loops", 2);
        settings.put("java_options", ServerProcess.JAVA_OPTIONS);
        settings.put("sample_at", List.of(0.25, 0.6));
        settings.put("ratio_concurrency", Settings.RATIO_CONCURRENCY);
        settings.put("repetitions", 2);
        settings.put("seed", 18);
        settings.put("order", List.of(List.of("selector", "fork", "nginx"), List.of("nginx", "selector", "fork")));
        settings.put("article_close_concurrency", Settings.ARTICLE_CONCURRENCY);
        settings.put("article_keep_alive_concurrency", List.of(10));
        settings.put("memory_connections", 1000);
        settings.put("warmup_models", "java");
        settings.put("keep_alive_models", List.of("selector", "nginx"));
        settings.put("article_close_beyond", List.of(1000));
        settings.put("article_beyond_models", List.of("py-thread"));
        settings.put("drain_bound_s", 1.5);
        settings.put("open_loop_models", List.of("nginx"));
        settings.put("open_loop_percent_of_peak", Settings.OPEN_LOOP_PERCENTS);
        settings.put("open_loop_duration_s", 1.0);
        settings.put("open_loop_repetitions", 1);
        settings.put("open_loop_connections", 1000);
        settings.put("open_loop_threads", 2);
        settings.put("open_loop_peak", "mean");
        settings.put("heap", "after GC");
        settings.put("memory_method", ServersReport.MEMORY_METHOD);
        Map<String, Object> environment = new java.util.LinkedHashMap<>();
        environment.put("cpus", 2);
        environment.put("java_version", System.getProperty("java.version"));
        environment.put("wrk", "unavailable: not here");
        environment.put("nginx", "unavailable: not here");
        environment.put("nofile_soft", Limits.openFilesSoft());
        environment.put("nofile_hard", Limits.openFilesHard());
        for (String k : List.of("somaxconn", "tcp_max_syn_backlog", "ip_local_port_range", "tcp_tw_reuse",
                "tcp_congestion_control", "pid_max", "threads_max", "loadavg_at_start")) {
            environment.put(k, "1");
        }
        Map<String, Long> latency = new java.util.LinkedHashMap<>();
        for (String k : List.of("p50", "p90", "p99", "p99.9", "max")) latency.put(k, 100L);
        return new ServersReport.Report(ServersReport.FORMAT, "quick", "2026-12-01T00:00:00Z", "2026-12-01T00:01:00Z", 60.0,
                settings, environment, servers, points, ServersReport.ratio(points, Settings.RATIO_CONCURRENCY, 18),
                List.of(new ServersReport.ThreadFork("py", "close", 10, 100.0, 10.0, 10.0, List.of(8.0, 12.0), 3)),
                List.of(ServersReport.memory("selector", 1000, 1000, new ServersReport.MemoryReading(4096, 2048, 11, 1, 1000L),
                                new ServersReport.MemoryReading(8192, 6144, 12, 1, 2000L), null),
                        ServersReport.memory("nginx", 1000, 1000, new ServersReport.MemoryReading(4096, 2048, 3, 3, null),
                                new ServersReport.MemoryReading(4096, 2048, 3, 3, null), null),
                        ServersReport.Memory.failed("fork", 1000, "failed")),
                List.of(new ServersReport.OpenLoop("nginx", 1, "measured", null, 1000, 1000, 25, 4000.0, 1.0, 1000L, 1000L,
                                1000L, 0L, 0L, 1000.0, latency, Map.of("p50", 10L, "p99", 90L), true),
                        new ServersReport.OpenLoop("selector", 1, "skipped", "no peak", 1000, 0, 25, null, 1.0, null, null,
                                null, null, null, null, null, null, true)),
                new ServersReport.DriverCheck("nginx", 1000, 100.0, List.of(99.0, 101.0), 95.0, List.of(94.0, 96.0), 0.95, 0.1, true, null));
    }

    @Test
    void aWrittenReportValidates(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("servers.json");
        ServersReport.write(synthetic(dir), out);
        String json = Files.readString(out);
        SchemaCheck.assertValid("servers.v4", json);
        assertFalse(json.contains("\"/"), "an absolute path in servers.json:\n" + json);
    }

    @Test
    void aMisspeltKeyDoesNotValidate(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("servers.json");
        ServersReport.write(synthetic(dir), out);
        String json = Files.readString(out).replaceFirst("\"ratio_to_nginx\"", "\"ratio_to_ngnix\"");
        assertThrows(AssertionError.class, () -> SchemaCheck.assertValid("servers.v4", json));
    }

    @Test
    void everyCommittedRunValidates() throws IOException {
        Path runs = SchemaCheck.schemaDir().getParent().resolve("runs");
        List<Path> files;
        try (Stream<Path> dirs = Files.list(runs)) {
            files = dirs.map(d -> d.resolve("servers.json")).filter(Files::isRegularFile).toList();
        }
        for (Path f : files) {
            String json = Files.readString(f);
            SchemaCheck.assertValid(json.contains("\"contextlab.servers/4\"") ? "servers.v4"
                    : json.contains("\"contextlab.servers/3\"") ? "servers.v3"
                    : json.contains("\"contextlab.servers/2\"") ? "servers.v2" : "servers.v1", json);
        }
    }

    @Test
    void theModelOrderOfARepetitionIsReproducibleFromItsSeed() {
        List<Models> models = Models.all();
        for (int rep = 1; rep <= 3; rep++) {
            List<Models> order = Settings.order(models, 18, rep);
            assertEquals(order, Settings.order(models, 18, rep));
            assertEquals(new java.util.HashSet<>(models), new java.util.HashSet<>(order));
            assertEquals(models.size(), order.size());
        }
        assertFalse(Settings.order(models, 18, 1).equals(Settings.order(models, 18, 2))
                && Settings.order(models, 18, 2).equals(Settings.order(models, 18, 3)), "the same order every repetition");
    }

    @Test
    void theBootstrapIntervalIsReproducibleAndHoldsTheRatio() {
        List<Double> a = List.of(10.0, 11.0, 12.0), b = List.of(5.0, 6.0, 7.0);
        List<Double> ci = ServersReport.bootstrapRatio(a, b, 18);
        assertEquals(ci, ServersReport.bootstrapRatio(a, b, 18));
        double ratio = ServersReport.mean(a) / ServersReport.mean(b);
        org.junit.jupiter.api.Assertions.assertTrue(ci.get(0) <= ratio && ratio <= ci.get(1), ci.toString());
    }

    @Test
    void commandsNameNoDirectoryOfThisMachine() {
        Path run = Path.of("/data/runs/r1");
        assertEquals(List.of("setpriv", "--", "nginx", "-p", "servers-logs/nginx", "-c", "servers-logs/nginx/nginx.conf",
                        "-Xmx1g", "servers.jar"),
                ServersReport.portable(List.of("/usr/bin/setpriv", "--", "/usr/sbin/nginx", "-p", "/data/runs/r1/servers-logs/nginx",
                        "-c", "/data/runs/r1/servers-logs/nginx/nginx.conf", "-Xmx1g", "/x/servers.jar"), run));
    }

    @Test
    void javaModelsRunWithTheProjectsJvmFlags() {
        assertEquals(ServerProcess.HEAP_AND_GC, ServerProcess.JAVA_OPTIONS.subList(0, ServerProcess.HEAP_AND_GC.size()));
        assertEquals(JvmFlags.ALL, ServerProcess.JAVA_OPTIONS.subList(ServerProcess.HEAP_AND_GC.size(),
                ServerProcess.JAVA_OPTIONS.size()));
    }
}
