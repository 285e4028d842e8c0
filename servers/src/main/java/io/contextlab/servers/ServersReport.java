package io.contextlab.servers;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.contextlab.platform.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * servers.json: the records below, serialised with snake_case names. One {@link Point} per
 * model × concurrency (measured, skipped or failed, never absent), one {@link Server} per model
 * (how it was started and stopped), the sweep's settings and environment, and the ratio of the
 * best Java model to nginx at 1,000 connections. notebooks/contextlab.py is the only reader.
 */
final class ServersReport {
    static final String FORMAT = "contextlab.servers/1";

    record Latency(long p50, long p90, long p99, long p999, long max, double mean, double stdev) {}

    record Errors(long connect, long read, long write, long timeout, long non2xx) {}

    /** The server process tree while the load ran (see ProcessTree and LoadDriver). */
    record ServerStats(boolean sampledUnderLoad, double firstSampleAtS, double secondSampleAtS, int processes, int threads, long rssKb, Long pssKb, int fds,
                       double windowS, Long ctxVoluntary, Long ctxInvoluntary,
                       Double ctxVoluntaryPerRequest, Double ctxInvoluntaryPerRequest) {}

    record Point(String model, int concurrency, String connection, String status, String reason,
                 Integer wrkThreads, Double durationS, Long requests, Double requestsPerS, Double okRequestsPerS,
                 Double bytesPerS, Latency latencyUs, Errors errors, Integer serverConnections, Integer unansweredConnections,
                 ServerStats server, CpuAccount.Window cpu, Integer fdsAfterDrain, Integer socketsLeftAfterDrain, Long drainMs) {
        static Point skipped(String model, Settings.Load load, String reason) {
            return new Point(model, load.concurrency(), load.connection(), "skipped", reason, null, null, null, null, null, null, null,
                    null, null, null, null, null, null, null, null);
        }

        static Point failed(String model, Settings.Load load, String reason) {
            return new Point(model, load.concurrency(), load.connection(), "failed", reason, null, null, null, null, null, null, null,
                    null, null, null, null, null, null, null, null);
        }
    }

    record Server(String model, String kind, String description, List<String> command, int port,
                  String status, String reason, Long startupMs, Integer idleFds, Integer idleThreads,
                  Long idleRssKb, Integer exitCode, Long stopMs) {}

    /** excluded: Java models measured at that concurrency but not eligible, with why. */
    record Ratio(int concurrency, String bestJavaModel, Double bestJavaRequestsPerS, Double nginxRequestsPerS,
                 Double ratio, String reason, Map<String, String> excluded) {}

    record Report(String format, String mode, String started, String finished, Map<String, Object> settings,
                  Map<String, Object> environment, List<Server> servers, List<Point> points, Ratio ratioToNginx) {}

    private ServersReport() {}

    static Gson gson() {
        return new GsonBuilder()
                .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
                .serializeNulls()
                .serializeSpecialFloatingPointValues()
                .setPrettyPrinting()
                .create();
    }

    /** Writes servers.json atomically (platform's Json, with this record's snake_case names). */
    static void write(Report r, Path out) throws IOException {
        Json.writeText(out, gson().toJson(r) + "\n");
    }

    /**
     * A command as servers.json records it: no directory of this machine. An argument that is an
     * absolute path inside the run directory becomes relative to it (servers-logs/nginx/nginx.conf),
     * any other absolute path its file name (java, servers.jar, fork_server, nginx).
     */
    static List<String> portable(List<String> command, Path runDir) {
        Path base = runDir.toAbsolutePath().normalize();
        List<String> out = new ArrayList<>(command.size());
        for (String arg : command) {
            if (!arg.startsWith("/")) {
                out.add(arg);
                continue;
            }
            Path p = Path.of(arg).normalize();
            if (p.startsWith(base) && !p.equals(base)) out.add(base.relativize(p).toString());
            else out.add(p.getFileName() == null ? arg : p.getFileName().toString());
        }
        return out;
    }

    /**
     * The best Java model's ok requests/s at `concurrency` over nginx's, or why there is none. A
     * model only competes if it served the load it was given: no wrk error of any kind and no
     * connection left unanswered (a bounded pool that serves 256 of 1,000 connections fast is
     * not serving 1,000 connections).
     */
    static Ratio ratio(List<Point> points, int concurrency) {
        Point best = null, nginx = null;
        Map<String, String> excluded = new java.util.LinkedHashMap<>();
        for (Point p : points) {
            if (p.concurrency() != concurrency || !"keep-alive".equals(p.connection())
                    || !"measured".equals(p.status())) continue;
            Models m = Models.byId(p.model());
            if (m == Models.NGINX) {
                nginx = p;
                continue;
            }
            if (m.kind != Models.Kind.JAVA) continue;
            String why = shortfall(p);
            if (why != null) {
                excluded.put(p.model(), why);
            } else if (best == null || p.okRequestsPerS() > best.okRequestsPerS()) {
                best = p;
            }
        }
        if (best == null || nginx == null) {
            String missing = best == null ? "no Java model" : "nginx";
            return new Ratio(concurrency, best == null ? null : best.model(), best == null ? null : best.okRequestsPerS(),
                    nginx == null ? null : nginx.okRequestsPerS(), null,
                    missing + " was measured at " + concurrency + " connections in this session"
                            + (best == null && !excluded.isEmpty() ? " without errors or unanswered connections" : ""),
                    excluded);
        }
        double ratio = nginx.okRequestsPerS() > 0 ? best.okRequestsPerS() / nginx.okRequestsPerS() : Double.NaN;
        String caveat = shortfall(nginx) == null ? null : "nginx itself had " + shortfall(nginx);
        return new Ratio(concurrency, best.model(), best.okRequestsPerS(), nginx.okRequestsPerS(), ratio, caveat,
                excluded);
    }

    /** Why a measured point did not serve its whole load, or null. */
    static String shortfall(Point p) {
        Errors e = p.errors();
        long errors = e.connect() + e.read() + e.write() + e.timeout() + e.non2xx();
        if (errors > 0) {
            return errors + " wrk errors (connect " + e.connect() + ", read " + e.read() + ", write " + e.write()
                    + ", timeout " + e.timeout() + ", non-2xx " + e.non2xx() + ")";
        }
        if (p.unansweredConnections() != null && p.unansweredConnections() > 0) {
            return p.unansweredConnections() + " of " + p.concurrency()
                    + " connections not answered once by 60 % of the point";
        }
        return null;
    }

    /** The table `lab servers` ends with: ok requests/s, p99 and errors per model and concurrency. */
    static void printSummary(Report r, PrintStream out) {
        for (String connection : List.of("keep-alive", "close")) {
            if (r.points().stream().anyMatch(p -> p.connection().equals(connection))) {
                printTable(r, connection, out);
            }
        }
        out.println("(* = errors or connections left unanswered at that point; p99 and details in servers.json)");
        printRatio(r, out);
    }

    private static void printRatio(Report r, PrintStream out) {
        Ratio q = r.ratioToNginx();
        if (q.ratio() != null) {
            out.printf("at %d connections the best Java model (%s) served %.0f req/s = %.2f x nginx (%.0f req/s)%n",
                    q.concurrency(), q.bestJavaModel(), q.bestJavaRequestsPerS(), q.ratio(), q.nginxRequestsPerS());
            q.excluded().forEach((m, why) -> out.printf("  (%s not compared: %s)%n", m, why));
            if (q.reason() != null) out.printf("  (%s)%n", q.reason());
        } else {
            out.printf("no Java/nginx ratio at %d connections: %s%n", q.concurrency(), q.reason());
        }
        for (Point p : r.points()) {
            if (!"measured".equals(p.status())) {
                out.printf("%s at c=%d %s: %s%n", p.model(), p.concurrency(), p.status(), p.reason());
            }
        }
    }

    private static void printTable(Report r, String connection, PrintStream out) {
        List<Integer> cs = new ArrayList<>();
        for (Point p : r.points()) {
            if (p.connection().equals(connection) && !cs.contains(p.concurrency())) cs.add(p.concurrency());
        }
        out.printf("%-10s", connection.equals("close") ? "close r/s" : "req/s");
        for (int c : cs) out.printf(" %14s", "c=" + c);
        out.println();
        for (Server s : r.servers()) {
            out.printf("%-10s", s.model());
            for (int c : cs) {
                Point p = find(r.points(), s.model(), c, connection);
                String cell;
                if (p == null) cell = "-";
                else if (!"measured".equals(p.status())) cell = p.status();
                else cell = String.format("%.0f%s", p.okRequestsPerS(), shortfall(p) != null ? "*" : "");
                out.printf(" %14s", cell);
            }
            out.println();
        }
    }

    /** The point of model at concurrency c with that connection mode, or null. */
    static Point find(List<Point> points, String model, int c, String connection) {
        for (Point p : points) {
            if (p.model().equals(model) && p.concurrency() == c && p.connection().equals(connection)) return p;
        }
        return null;
    }
}
