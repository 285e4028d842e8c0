package io.contextlab.servers;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One wrk run: a closed loop of {@code connections} keep-alive connections over {@code threads}
 * wrk threads for a fixed time, each connection sending the next GET as soon as the previous
 * response arrived. Its result comes back as JSON through wrk-report.lua.
 *
 * <p>Pitfall, stated rather than hidden: wrk (not wrk2) measures latency of completed requests
 * in a closed loop, so a slow server lowers the offered load (coordinated omission): latencies
 * here are service times under that loop, not latencies at a fixed rate. wrk checks timeouts
 * every 2 s, so a run shorter than that reports no timeouts at all; starvation in short runs is
 * visible in the driver's "unanswered_connections" instead.
 */
final class Wrk {
    static final String BINARY = "/usr/bin/wrk";
    private static final String MARKER = "CONTEXTLAB_WRK ";

    record Result(double durationSeconds, long requests, long bytes, ServersReport.Errors errors,
                  ServersReport.Latency latencyMicros) {}

    private final Path script;

    Wrk() throws IOException {
        script = Files.createTempFile("contextlab-wrk-report", ".lua");
        script.toFile().deleteOnExit();
        try (InputStream in = Wrk.class.getResourceAsStream("wrk-report.lua")) {
            Files.write(script, in.readAllBytes());
        }
    }

    List<String> command(String url, int connections, int threads, double seconds, double timeoutSeconds,
                         boolean keepAlive) {
        List<String> cmd = new ArrayList<>();
        cmd.add(BINARY);
        if (!keepAlive) {
            cmd.add("-H");
            cmd.add("Connection: close");      // wrk reconnects after every response
        }
        cmd.add("-t" + threads);
        cmd.add("-c" + connections);
        cmd.add("-d" + wholeSeconds(seconds) + "s");         // wrk takes whole seconds only
        cmd.add("--timeout");
        cmd.add(wholeSeconds(timeoutSeconds) + "s");
        cmd.add("-s");
        cmd.add(script.toString());
        cmd.add(url);
        return cmd;
    }

    /**
     * wrk threads for c connections: two (one per core) when they divide c, else one. wrk hands
     * each thread c / threads connections, integer division: -t2 -c3 opens two connections, not
     * three (the socket census caught it).
     */
    static int threadsFor(int connections) {
        return connections >= 2 && connections % 2 == 0 ? 2 : 1;
    }

    static long wholeSeconds(double seconds) {
        return Math.max(1, Math.round(seconds));
    }

    Process start(List<String> command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** Waits for a started run and parses its report; throws with wrk's output if there is none. */
    static Result finish(Process wrk, long waitSeconds) throws IOException, InterruptedException {
        byte[] out = wrk.getInputStream().readAllBytes();       // ends when wrk exits
        if (!wrk.waitFor(waitSeconds, TimeUnit.SECONDS)) {
            wrk.destroyForcibly();
            throw new IOException("wrk did not finish within " + waitSeconds + " s");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        int at = text.lastIndexOf(MARKER);
        if (at < 0) {
            throw new IOException("wrk exited with " + wrk.exitValue() + " and no report: " + text.strip());
        }
        String json = text.substring(at + MARKER.length()).lines().findFirst().orElse("{}");
        JsonObject o = new Gson().fromJson(json, JsonObject.class);
        JsonObject e = o.getAsJsonObject("errors");
        JsonObject l = o.getAsJsonObject("latency_us");
        return new Result(o.get("duration_us").getAsLong() / 1e6, o.get("requests").getAsLong(),
                o.get("bytes").getAsLong(),
                new ServersReport.Errors(e.get("connect").getAsLong(), e.get("read").getAsLong(),
                        e.get("write").getAsLong(), e.get("timeout").getAsLong(), e.get("status").getAsLong()),
                new ServersReport.Latency(l.get("p50").getAsLong(), l.get("p90").getAsLong(), l.get("p99").getAsLong(),
                        l.get("p999").getAsLong(), l.get("max").getAsLong(), l.get("mean").getAsDouble(),
                        l.get("stdev").getAsDouble()));
    }

    static String version() {
        try {
            Process p = new ProcessBuilder(BINARY, "--version").redirectErrorStream(true).start();
            String first = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
            p.waitFor(5, TimeUnit.SECONDS);
            return first.strip();
        } catch (IOException | InterruptedException e) {
            return "unavailable: " + e.getMessage();
        }
    }
}
