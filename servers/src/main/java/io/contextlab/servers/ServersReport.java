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
    static final String FORMAT = "contextlab.servers/4";

    record Latency(long p50, long p90, long p99, long p999, long max, double mean, double stdev) {}

    record Errors(long connect, long read, long write, long timeout, long non2xx) {}

    /** The server process tree while the load ran (see ProcessTree and LoadDriver). */
    record ServerStats(boolean sampledUnderLoad, double firstSampleAtS, double secondSampleAtS, int processes, int threads, long rssKb, Long pssKb, int fds,
                       double windowS, Long ctxVoluntary, Long ctxInvoluntary,
                       Double ctxVoluntaryPerRequest, Double ctxInvoluntaryPerRequest) {}

    record Point(String model, int concurrency, String connection, int repetition, String status, String reason,
                 Integer wrkThreads, Double durationS, Long requests, Double requestsPerS, Double okRequestsPerS,
                 Double bytesPerS, Latency latencyUs, Errors errors, Integer serverConnections, Integer unansweredConnections,
                 ServerStats server, CpuAccount.Window cpu, Integer fdsAfterDrain, Integer socketsLeftAfterDrain, Long drainMs,
                 boolean restarted) {
        static Point skipped(String model, Settings.Load load, int repetition, String reason) {
            return new Point(model, load.concurrency(), load.connection(), repetition, "skipped", reason, null, null, null, null, null, null, null,
                    null, null, null, null, null, null, null, null, false);
        }

        static Point failed(String model, Settings.Load load, int repetition, String reason) {
            return new Point(model, load.concurrency(), load.connection(), repetition, "failed", reason, null, null, null, null, null, null, null,
                    null, null, null, null, null, null, null, null, false);
        }

        /** This point, marked as followed by a restart of its server (not drained within the bound). */
        Point withRestart() {
            return new Point(model, concurrency, connection, repetition, status, reason, wrkThreads, durationS, requests,
                    requestsPerS, okRequestsPerS, bytesPerS, latencyUs, errors, serverConnections, unansweredConnections, server,
                    cpu, fdsAfterDrain, socketsLeftAfterDrain, drainMs, true);
        }
    }

    record Server(String model, String kind, String description, List<String> command, int port,
                  String status, String reason, Long startupMs, Integer idleFds, Integer idleThreads,
                  Long idleRssKb, Integer exitCode, Long stopMs) {}

    /**
     * excluded: Java models measured at that concurrency but not eligible, with why. The figures
     * are means over repetitions; ci is a 95 % percentile bootstrap interval of the ratio of means
     * (each side's repetitions resampled with replacement, the best model held fixed).
     */
    record Ratio(int concurrency, String bestJavaModel, Double bestJavaRequestsPerS, Double nginxRequestsPerS,
                 Double ratio, List<Double> ci, Integer repetitions, String reason, Map<String, String> excluded) {}

    /** Thread mode over fork mode of one family of the article's 2x2 at one point (means, bootstrap ci). */
    record ThreadFork(String family, String connection, int concurrency, Double threadRequestsPerS,
                      Double forkRequestsPerS, Double ratio, List<Double> ci, int repetitions) {}

    /**
     * A model's memory per idle keep-alive connection (MEMORY_METHOD says how it is taken):
     * bytes_per_connection = (PSS with the connections − PSS without) × 1024 / connections answered,
     * PSS summed over the server's process tree; rss_bytes_per_connection the same with RSS; for a
     * Java model heap_bytes_per_connection the same with the heap used after a full GC. A figure
     * that does not come out positive is null, and `note` says why (the readings stay).
     */
    record Memory(String model, int connections, int answered, Long idleRssKb, Long idlePssKb, Long rssKb, Long pssKb,
                  Integer threads, Integer processes, Long bytesPerConnection, Long rssBytesPerConnection,
                  Long idleHeapKb, Long heapKb, Long heapBytesPerConnection, String reason, String note) {
        /** A memory step that could not read the model (it is not running, or reading it failed). */
        static Memory failed(String model, int connections, String reason) {
            return new Memory(model, connections, 0, null, null, null, null, null, null, null, null, null, null, null,
                    reason, "not measured: see reason");
        }
    }

    /** How servers.json v4 takes the memory per connection (settings.memory_method). */
    static final String MEMORY_METHOD = "each model on an instance started afresh for this step (a model that served"
            + " load earlier in the step is stopped and started again, so no earlier load has left memory its"
            + " processes hold but no longer use), the Java models after the sweep's warm-up; then, with nothing else"
            + " in between, PSS and RSS summed over the server's process tree (every process: nginx master and"
            + " workers, prefork and fork children) without connections, and again with memory_connections idle"
            + " keep-alive connections open, each having had one request answered; the difference over the"
            + " connections answered. Java models: both readings right after a full GC, with the heap used after it."
            + " User-space memory only: the kernel's socket buffers are not in any process's PSS. A figure that is"
            + " not positive is null with a note";

    /** One reading of a server tree's memory for the memory step (ProcessTree.memory; heap null unless Java). */
    record MemoryReading(long rssKb, long pssKb, int threads, int processes, Long heapKb) {}

    /**
     * The memory record of one model from its two readings: without connections (idle) and with
     * `connections` open of which `answered` were answered. Each per-connection figure is the
     * difference over answered, in bytes; a difference that is zero or negative gives null and a
     * note saying what the readings were, as does answered == 0. `reason`: connections not answered,
     * or a reading that failed (the heap, say), or null.
     */
    static Memory memory(String model, int connections, int answered, MemoryReading idle, MemoryReading with,
                         String failure) {
        List<String> notes = new ArrayList<>();
        Long pss = perConnection("PSS", idle.pssKb(), with.pssKb(), answered, notes);
        Long rss = perConnection("RSS", idle.rssKb(), with.rssKb(), answered, notes);
        Long heap = idle.heapKb() == null || with.heapKb() == null ? null
                : perConnection("heap after GC", idle.heapKb(), with.heapKb(), answered, notes);
        if (answered == 0) notes = List.of("no connection answered: nothing to divide by");
        String reason = answered < connections ? (connections - answered) + " of " + connections + " connections not answered"
                : null;
        if (failure != null) reason = reason == null ? failure : reason + "; " + failure;
        return new Memory(model, connections, answered, idle.rssKb(), idle.pssKb(), with.rssKb(), with.pssKb(),
                with.threads(), with.processes(), pss, rss, idle.heapKb(), with.heapKb(), heap, reason,
                notes.isEmpty() ? null : String.join("; ", notes));
    }

    private static Long perConnection(String what, long idleKb, long withKb, int answered, List<String> notes) {
        if (answered <= 0) return null;
        long bytes = Math.round((withKb - idleKb) * 1024.0 / answered);
        if (bytes > 0) return bytes;
        notes.add(what + " with " + answered + " connections (" + withKb + " KiB) " + (withKb < idleKb ? "below" : "not above")
                + " without (" + idleKb + " KiB): no figure; the connections' memory came out of memory the processes"
                + " already held" + (withKb < idleKb ? ", and more was given back meanwhile (a collection, a freed cache)" : "")
                + ", or came to less than a page in all");
        return null;
    }

    /**
     * Open-loop latency of one model at one fixed rate (OpenLoopDriver: wrk2's method, every latency
     * from its scheduled send time). latency_us: p50, p90, p99, p99.9, max; send_lag_us: the
     * driver's own lateness (p50, p99), part of every latency.
     */
    record OpenLoop(String model, int repetition, String status, String reason, int connections, double rate,
                    double ratePercentOfPeak, Double peakRequestsPerS, double durationS, Long scheduled, Long completed,
                    Long ok, Long errors, Long unfinished, Double achievedRequestsPerS, Map<String, Long> latencyUs,
                    Map<String, Long> sendLagUs, boolean corrected) {}

    /**
     * The open-loop driver's closed-loop throughput against wrk's at one point, in back-to-back
     * pairs (wrk_runs[i], driver_runs[i]): the same model, connections and duration; ratio = driver
     * / wrk (means over the pairs), within_tolerance when |ratio − 1| ≤ tolerance.
     */
    record DriverCheck(String model, int concurrency, Double wrkRequestsPerS, List<Double> wrkRuns, Double driverRequestsPerS,
                       List<Double> driverRuns, Double ratio, double tolerance, Boolean withinTolerance, String reason) {}

    record Report(String format, String mode, String started, String finished, double wallS, Map<String, Object> settings,
                  Map<String, Object> environment, List<Server> servers, List<Point> points, Ratio ratioToNginx,
                  List<ThreadFork> threadFork, List<Memory> memory, List<OpenLoop> openLoop, DriverCheck driverCheck) {}

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
    static Ratio ratio(List<Point> points, int concurrency, long seed) {
        Map<String, List<Double>> javaRuns = new java.util.LinkedHashMap<>();
        List<Double> nginx = new ArrayList<>();
        Map<String, String> excluded = new java.util.LinkedHashMap<>();
        String nginxCaveat = null;
        for (Point p : points) {
            if (p.concurrency() != concurrency || !"keep-alive".equals(p.connection())
                    || !"measured".equals(p.status())) continue;
            Models m = Models.byId(p.model());
            if (m == Models.NGINX) {
                nginx.add(p.okRequestsPerS());
                if (shortfall(p) != null) nginxCaveat = "nginx itself had " + shortfall(p);
                continue;
            }
            if (m.kind != Models.Kind.JAVA) continue;
            String why = shortfall(p);
            if (why != null) {
                excluded.put(p.model(), "repetition " + p.repetition() + ": " + why);
            }
            javaRuns.computeIfAbsent(p.model(), k -> new ArrayList<>()).add(p.okRequestsPerS());
        }
        excluded.keySet().forEach(javaRuns::remove);
        String best = null;
        for (var e : javaRuns.entrySet()) {
            if (best == null || mean(e.getValue()) > mean(javaRuns.get(best))) best = e.getKey();
        }
        if (best == null || nginx.isEmpty()) {
            String missing = best == null ? "no Java model" : "nginx";
            return new Ratio(concurrency, best, best == null ? null : mean(javaRuns.get(best)),
                    nginx.isEmpty() ? null : mean(nginx), null, null, null,
                    missing + " was measured at " + concurrency + " connections in this session"
                            + (best == null && !excluded.isEmpty() ? " without errors or unanswered connections" : ""),
                    excluded);
        }
        List<Double> b = javaRuns.get(best);
        double ratio = mean(nginx) > 0 ? mean(b) / mean(nginx) : Double.NaN;
        return new Ratio(concurrency, best, mean(b), mean(nginx), ratio, bootstrapRatio(b, nginx, seed),
                Math.min(b.size(), nginx.size()), nginxCaveat, excluded);
    }

    /** Thread over fork for each family of the article's 2x2 (py, c), connection mode and concurrency. */
    static List<ThreadFork> threadFork(List<Point> points, long seed) {
        List<ThreadFork> out = new ArrayList<>();
        for (String family : List.of("py", "c")) {
            Map<String, List<Double>> thread = new java.util.LinkedHashMap<>(), fork = new java.util.LinkedHashMap<>();
            for (Point p : points) {
                if (!"measured".equals(p.status()) || p.okRequestsPerS() == null) continue;
                String key = p.connection() + " " + p.concurrency();
                if (p.model().equals(family + "-thread")) thread.computeIfAbsent(key, k -> new ArrayList<>()).add(p.okRequestsPerS());
                if (p.model().equals(family + "-fork")) fork.computeIfAbsent(key, k -> new ArrayList<>()).add(p.okRequestsPerS());
            }
            for (var e : thread.entrySet()) {
                List<Double> f = fork.get(e.getKey());
                if (f == null) continue;
                String[] k = e.getKey().split(" ");
                double fm = mean(f);
                out.add(new ThreadFork(family, k[0], Integer.parseInt(k[1]), mean(e.getValue()), fm,
                        fm > 0 ? mean(e.getValue()) / fm : null, fm > 0 ? bootstrapRatio(e.getValue(), f, seed) : null,
                        Math.min(e.getValue().size(), f.size())));
            }
        }
        return out;
    }

    static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /**
     * 95 % percentile bootstrap interval of mean(a) / mean(b): 2,000 resamples, each side's
     * values drawn with replacement, from a Random seeded with seed (reproducible). An end that is
     * not finite (a resample whose divisor is all zeros: a repetition that served nothing) is
     * null, an unbounded end: JSON has no Infinity.
     */
    static List<Double> bootstrapRatio(List<Double> a, List<Double> b, long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        int n = 2000;
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            double sa = 0, sb = 0;
            for (int j = 0; j < a.size(); j++) sa += a.get(rnd.nextInt(a.size()));
            for (int j = 0; j < b.size(); j++) sb += b.get(rnd.nextInt(b.size()));
            r[i] = (sa / a.size()) / (sb / b.size());
        }
        java.util.Arrays.sort(r);
        return java.util.Arrays.asList(finiteOrNull(r[(int) (0.025 * n)]), finiteOrNull(r[(int) (0.975 * n) - 1]));
    }

    private static Double finiteOrNull(double x) {
        return Double.isFinite(x) ? x : null;
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

    /** The table `lab servers` ends with: mean ok requests/s over repetitions per model and concurrency. */
    static void printSummary(Report r, PrintStream out) {
        for (String connection : List.of("keep-alive", "close")) {
            if (r.points().stream().anyMatch(p -> p.connection().equals(connection))) {
                printTable(r, connection, out);
            }
        }
        out.println("(* = errors or connections left unanswered at that point; p99 and details in servers.json)");
        printRatio(r, out);
    }

    private static double endOrNaN(Double end) {
        return end == null ? Double.NaN : end;
    }

    private static void printRatio(Report r, PrintStream out) {
        Ratio q = r.ratioToNginx();
        if (q.ratio() != null) {
            out.printf("at %d connections the best Java model (%s) served %.0f req/s = %.2f x nginx (%.0f req/s),"
                            + " 95%% interval %.2f to %.2f over %d repetitions%n",
                    q.concurrency(), q.bestJavaModel(), q.bestJavaRequestsPerS(), q.ratio(), q.nginxRequestsPerS(),
                    endOrNaN(q.ci().get(0)), endOrNaN(q.ci().get(1)), q.repetitions());
            q.excluded().forEach((m, why) -> out.printf("  (%s not compared: %s)%n", m, why));
            if (q.reason() != null) out.printf("  (%s)%n", q.reason());
        } else {
            out.printf("no Java/nginx ratio at %d connections: %s%n", q.concurrency(), q.reason());
        }
        for (ThreadFork t : r.threadFork()) {
            out.printf("%s thread/fork at c=%d %s: %.1f x (%.1f to %.1f)%n", t.family(), t.concurrency(), t.connection(),
                    t.ratio(), t.ci() == null ? Double.NaN : endOrNaN(t.ci().get(0)), t.ci() == null ? Double.NaN : endOrNaN(t.ci().get(1)));
        }
        for (Memory m : r.memory()) {
            out.printf("%s: %s bytes per idle connection (PSS; %d of %d answered)%s%s%n", m.model(),
                    m.bytesPerConnection() == null ? "no figure of" : m.bytesPerConnection(), m.answered(), m.connections(),
                    m.heapBytesPerConnection() == null ? "" : ", heap after GC " + m.heapBytesPerConnection() + " bytes per connection",
                    m.note() == null ? "" : " (" + m.note() + ")");
        }
        for (OpenLoop o : r.openLoop()) {
            if (!"measured".equals(o.status())) {
                out.printf("open loop %s at %.0f%% of peak: %s (%s)%n", o.model(), o.ratePercentOfPeak(), o.status(), o.reason());
                continue;
            }
            out.printf("open loop %-9s %3.0f%% of peak = %6.0f req/s (achieved %6.0f): p50 %6d us  p99 %7d us  p99.9 %7d us"
                            + "  (unfinished %d, send lag p99 %d us)%n", o.model(), o.ratePercentOfPeak(), o.rate(),
                    o.achievedRequestsPerS(), o.latencyUs().get("p50"), o.latencyUs().get("p99"), o.latencyUs().get("p99.9"),
                    o.unfinished(), o.sendLagUs().get("p99"));
        }
        DriverCheck d = r.driverCheck();
        if (d != null) {
            if (d.ratio() != null) {
                out.printf("open-loop driver, closed loop, against wrk: %s at %d connections: driver %.0f req/s, wrk %.0f req/s:"
                                + " %.2f x (%s 10 %%)%n", d.model(), d.concurrency(), d.driverRequestsPerS(), d.wrkRequestsPerS(),
                        d.ratio(), Boolean.TRUE.equals(d.withinTolerance()) ? "within" : "NOT within");
            } else {
                out.printf("open-loop driver against wrk: not checked (%s)%n", d.reason());
            }
        }
        out.printf("servers: the step took %.0f s%n", r.wallS());
        for (Point p : r.points()) {
            if (!"measured".equals(p.status())) {
                out.printf("%s at c=%d %s (repetition %d) %s: %s%n", p.model(), p.concurrency(), p.connection(),
                        p.repetition(), p.status(), p.reason());
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
                List<Point> ps = r.points().stream().filter(p -> p.model().equals(s.model()) && p.concurrency() == c
                        && p.connection().equals(connection)).toList();
                List<Double> ok = ps.stream().filter(p -> "measured".equals(p.status())).map(Point::okRequestsPerS).toList();
                String cell;
                if (ps.isEmpty()) cell = "-";
                else if (ok.isEmpty()) cell = ps.get(0).status();
                else cell = String.format("%.0f%s", mean(ok), ps.stream().anyMatch(p -> "measured".equals(p.status())
                        && shortfall(p) != null) ? "*" : "");
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
