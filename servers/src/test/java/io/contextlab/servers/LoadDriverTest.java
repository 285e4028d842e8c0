package io.contextlab.servers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.contextlab.platform.SchemaCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A miniature `lab servers`: one Java model, one C model and nginx at two small concurrencies, a
 * point the descriptor limit cannot hold and one Connection: close point, 1 s each. Checks the shape of servers.json that
 * the notebooks read (every model × concurrency present, skipped points with a reason, the ratio
 * record) and that it validates against datasets/schema/servers.v4.schema.json, never a number.
 */
class LoadDriverTest {
    @Test
    void writesOneRecordPerModelAndConcurrency(@TempDir Path dir) throws Exception {
        Path classes = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String nativeDir = System.getProperty("contextlab.servers.native", "target/native");
        List<Integer> cs = new ArrayList<>(List.of(1, 4));
        int beyondLimit = (int) Math.min(Integer.MAX_VALUE - 1, Limits.openFilesSoft());   // cannot fit
        cs.add(beyondLimit);
        Settings s = new Settings("quick", List.of(Models.SELECTOR, Models.FORK, Models.NGINX), cs, List.of(2), 1, 1, 0, 4,
                30_000, 4, 2, 18_580, Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                classes, Path.of(nativeDir), dir.resolve("servers.json"), dir.resolve("logs"), 1, 18, List.of(), List.of(), 50,
                List.of(Models.SELECTOR, Models.FORK, Models.NGINX), List.of(), List.of(), List.of(), List.of(), 1, 1, 10);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ServersReport.Report report = new LoadDriver(s, new PrintStream(log, true)).run();

        String written = Files.readString(dir.resolve("servers.json"));
        SchemaCheck.assertValid("servers.v4", written);
        assertFalse(written.contains("\"/"), "an absolute path of this machine in servers.json:\n" + written);
        JsonObject json = ServersReport.gson().fromJson(written, JsonObject.class);
        assertEquals(ServersReport.FORMAT, json.get("format").getAsString());
        assertEquals(12, json.getAsJsonArray("points").size(), log.toString());
        for (JsonElement e : json.getAsJsonArray("points")) {
            JsonObject p = e.getAsJsonObject();
            String where = p.get("model").getAsString() + " c=" + p.get("concurrency").getAsInt() + ": " + log;
            if (p.get("concurrency").getAsInt() == beyondLimit) {
                assertEquals("skipped", p.get("status").getAsString(), where);
                assertTrue(p.get("reason").getAsString().contains("RLIMIT_NOFILE"), where);
                continue;
            }
            assertEquals("measured", p.get("status").getAsString(), where);
            assertTrue(p.get("requests").getAsLong() > 0, where);
            for (String k : List.of("p50", "p99", "max")) {
                assertTrue(p.getAsJsonObject("latency_us").has(k), where);
            }
            for (String k : List.of("connect", "read", "write", "timeout", "non2xx")) {
                assertTrue(p.getAsJsonObject("errors").has(k), where);
            }
            JsonObject server = p.getAsJsonObject("server");
            assertTrue(server.get("threads").getAsInt() >= 1, where);
            assertTrue(server.get("rss_kb").getAsLong() > 0, where);
            assertTrue(server.has("ctx_voluntary") && server.has("ctx_involuntary"), where);
            assertEquals(0, p.get("sockets_left_after_drain").getAsInt(), "a connection outlived the point: " + where);
        }
        for (JsonElement e : json.getAsJsonArray("servers")) {
            JsonObject server = e.getAsJsonObject();
            assertEquals("ok", server.get("status").getAsString(), server + "\n" + log);
            assertEquals(0, server.get("exit_code").getAsInt(), server.toString());
        }
        JsonObject ratio = json.getAsJsonObject("ratio_to_nginx");
        assertNotNull(ratio);
        assertEquals(Settings.RATIO_CONCURRENCY, ratio.get("concurrency").getAsInt());
        assertFalse(ratio.get("reason").isJsonNull(), "no 1,000-connection point here, so a reason");
        assertEquals(3, report.points().stream().filter(p -> p.connection().equals("close")).count());
        assertEquals(3, json.getAsJsonArray("memory").size(), "one memory record per model: " + log);
        assertTrue(log.toString().contains("started afresh"), "the swept models read on a fresh instance: " + log);
        for (JsonElement e : json.getAsJsonArray("memory")) {
            JsonObject m = e.getAsJsonObject();
            boolean java = m.get("model").getAsString().equals("selector");
            if (!java) assertTrue(m.get("heap_bytes_per_connection").isJsonNull(), "heap after GC for the Java model only: " + m);
            for (String k : List.of("bytes_per_connection", "rss_bytes_per_connection", "heap_bytes_per_connection")) {
                JsonElement v = m.get(k);
                boolean applies = java || !k.startsWith("heap");
                assertTrue(!applies || (!v.isJsonNull() && v.getAsLong() > 0) || !m.get("note").isJsonNull(),
                        k + ": a positive figure or a note saying why not: " + m);
            }
        }
        assertTrue(json.get("wall_s").getAsDouble() > 0);
        assertTrue(json.getAsJsonArray("open_loop").isEmpty(), "no open loop asked for");
        assertTrue(json.get("driver_check").isJsonNull());
    }
}
