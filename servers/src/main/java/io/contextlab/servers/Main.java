package io.contextlab.servers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point of servers.jar.
 * <pre>
 *   java -jar servers.jar serve &lt;thread|pool|selector|reuseport|virtual|st|st-reuseport&gt; [--port=P] [--idle-timeout-ms=N] [--workers=N]
 *   java -jar servers.jar drive --out=servers.json [--full] [--models=a,b] [--concurrency=1,10]
 *                               [--close-concurrency=10] [--duration=S] ...
 *   java -jar servers.jar models
 * </pre>
 * {@code serve} runs one Java model in the foreground until SIGTERM/SIGINT, then closes it (no
 * connection, thread or descriptor of the model survives) and exits 0; it prints "ready PORT"
 * when it listens, like the C servers. {@code drive} is the sweep behind `lab servers` (LoadDriver).
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
            System.exit(2);
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (args[0]) {
                case "serve" -> serve(rest);
                case "drive" -> drive(rest);
                case "load" -> load(rest);
                case "models" -> Models.all().forEach(m -> System.out.printf("%-10s %-9s %s%n", m.id(),
                        m.kind.name().toLowerCase(), m.description));
                case "-h", "--help", "help" -> usage();
                default -> fail("unknown command '" + args[0] + "' (serve, drive, models)");
            }
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
        }
    }

    private static void serve(String[] args) throws IOException, InterruptedException {
        if (args.length == 0) fail("serve needs a model name: " + javaModels());
        Models model = Models.byId(args[0]);
        if (model.kind != Models.Kind.JAVA) {
            fail(model.id() + " is not a Java model: run servers/target/native/" + model.id()
                    + "_server (C) or let `lab servers` start it");
        }
        ServerConfig config = ServerConfig.defaults()
                .withWorkers(model.loopPerCore() ? Runtime.getRuntime().availableProcessors() : ServerConfig.DEFAULT_POOL);
        for (int i = 1; i < args.length; i++) {
            String[] kv = option(args[i]);
            switch (kv[0]) {
                case "--port" -> config = config.withPort(integer(kv));
                case "--idle-timeout-ms" -> config = config.withIdleTimeout(Duration.ofMillis(integer(kv)));
                case "--workers" -> config = config.withWorkers(integer(kv));
                case "--host" -> config = new ServerConfig(kv[1], config.port(), config.idleTimeout(),
                        config.backlog(), config.workers());
                default -> fail("unknown option to serve: " + args[i]);
            }
        }
        ServerModel server = model.create(config);
        // SIGTERM/SIGINT end the wait below, so the close runs on this thread and the exit status
        // says whether it was clean (0), like the C servers; a JVM shutdown hook would exit 143.
        CountDownLatch stop = new CountDownLatch(1);
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), sig -> stop.countDown());
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), sig -> stop.countDown());
        try {
            server.start();
        } catch (IOException e) {
            fail("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage()
                    + " (is the port taken? pick another with --port)");
        }
        System.out.println("ready " + server.port());
        System.out.flush();
        stop.await();
        server.close();
        System.exit(0);
    }

    private static void drive(String[] args) throws IOException, InterruptedException {
        // Before anything is started: wrk and the servers inherit this process's limit, and
        // servers.json records the one it got (environment.nofile_soft).
        Limits.raiseOpenFiles();
        boolean full = false;
        String openLoopModels = null;
        Double openLoopSeconds = null;
        String models = null, concurrency = null, closeConcurrency = null, out = null, logDir = null, nativeDir = null, jar = null;
        Double duration = null, warmup = null;
        int port = 18080, workers = ServerConfig.DEFAULT_POOL;
        Integer repetitions = null, memory = null;
        long seed = Settings.DEFAULT_SEED;
        long idleMs = 30_000;
        double timeout = 4;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (String a : args) {
            if (a.equals("--full")) {
                full = true;
                continue;
            }
            String[] kv = option(a);
            switch (kv[0]) {
                case "--models" -> models = kv[1];
                case "--concurrency" -> concurrency = kv[1];
                case "--close-concurrency" -> closeConcurrency = kv[1];
                case "--duration" -> duration = number(kv);
                case "--warmup" -> warmup = number(kv);
                case "--timeout" -> timeout = number(kv);
                case "--idle-timeout-ms" -> idleMs = integer(kv);
                case "--workers" -> workers = integer(kv);
                case "--port" -> port = integer(kv);
                case "--out" -> out = kv[1];
                case "--log-dir" -> logDir = kv[1];
                case "--native-dir" -> nativeDir = kv[1];
                case "--jar" -> jar = kv[1];
                case "--java" -> java = kv[1];
                case "--repetitions" -> repetitions = integer(kv);
                case "--seed" -> seed = integer(kv);
                case "--memory-connections" -> memory = integer(kv);
                case "--open-loop-models" -> openLoopModels = kv[1];
                case "--open-loop-duration" -> openLoopSeconds = number(kv);
                default -> fail("unknown option to drive: " + a);
            }
        }
        if (out == null) fail("drive needs --out=FILE (servers.json in a run directory)");
        List<Models> chosen = new ArrayList<>();
        if (models == null) chosen.addAll(Models.all());
        else for (String m : models.split(",")) if (!m.isBlank()) chosen.add(Models.byId(m.strip()));
        List<Integer> cs = concurrency == null ? (full ? Settings.FULL_CONCURRENCY : Settings.QUICK_CONCURRENCY)
                : counts("--concurrency", concurrency);
        List<Integer> closeCs = closeConcurrency == null
                ? (concurrency != null ? List.of() : full ? Settings.FULL_CLOSE_CONCURRENCY : Settings.QUICK_CLOSE_CONCURRENCY)
                : counts("--close-concurrency", closeConcurrency);
        Path jarPath = jar != null ? Path.of(jar) : ownJar();
        Path nativePath = nativeDir != null ? Path.of(nativeDir) : jarPath.getParent().resolve("native");
        for (Models m : chosen) {
            if (m.kind == Models.Kind.C && !Files.isExecutable(nativePath.resolve(m.binary()))) {
                fail("no " + nativePath.resolve(m.binary()) + ": build first (scripts/lab build)");
            }
            if (m.kind == Models.Kind.PYTHON && !Files.isExecutable(Path.of(ServerProcess.PYTHON))) {
                fail("no " + ServerProcess.PYTHON + ": install Debian's python3 (apt-get install python3)");
            }
            if (m == Models.NGINX && !Files.isExecutable(Path.of(NginxReference.BINARY))) {
                fail("no " + NginxReference.BINARY + ": install Debian's nginx-light (apt-get install nginx-light)");
            }
        }
        if (!Files.isExecutable(Path.of(Wrk.BINARY))) fail("no " + Wrk.BINARY + ": install Debian's wrk (apt-get install wrk)");
        Path outPath = Path.of(out).toAbsolutePath();
        Path logs = logDir != null ? Path.of(logDir) : outPath.resolveSibling("servers-logs");
        Settings settings = new Settings(full ? "full" : "quick", chosen, cs, closeCs,
                Wrk.wholeSeconds(duration != null ? duration : (full ? 10 : 1)),
                Wrk.wholeSeconds(duration != null ? duration : (full ? 5 : 1)),
                warmup != null ? Wrk.wholeSeconds(warmup) : (full ? 5 : 1),
                timeout, idleMs, workers, Runtime.getRuntime().availableProcessors(), port, java, jarPath,
                nativePath, outPath, logs,
                repetitions != null ? repetitions : (full ? Settings.FULL_REPETITIONS : Settings.QUICK_REPETITIONS), seed,
                concurrency != null ? cs : Settings.ARTICLE_CONCURRENCY,
                concurrency != null ? List.of() : full ? Settings.ARTICLE_CONCURRENCY : Settings.QUICK_ARTICLE_KEEP_ALIVE,
                memory != null ? memory : full ? Settings.FULL_MEMORY_CONNECTIONS : Settings.QUICK_MEMORY_CONNECTIONS,
                List.of(), List.of(), List.of(), List.of(), List.of(), 1, 1, 10);
        List<Models> keepAlive = models != null || full ? chosen.stream().filter(m -> !m.article()).toList()
                : chosen.stream().filter(Settings.QUICK_KEEP_ALIVE_MODELS::contains).toList();
        List<Models> openLoop = new ArrayList<>();
        if (openLoopModels == null) {
            Settings.OPEN_LOOP_MODELS.stream().filter(m -> chosen.contains(m) && cs.contains(Settings.RATIO_CONCURRENCY))
                    .forEach(openLoop::add);
        } else {
            for (String m : openLoopModels.split(",")) if (!m.isBlank()) openLoop.add(Models.byId(m.strip()));
        }
        List<Models> beyond = (full ? Settings.FULL_BEYOND_MODELS : Settings.QUICK_BEYOND_MODELS).stream()
                .filter(chosen::contains).toList();
        settings = new Settings(settings.mode(), settings.models(), settings.concurrency(), settings.closeConcurrency(),
                settings.durationSeconds(), settings.closeDurationSeconds(), settings.warmupSeconds(),
                settings.wrkTimeoutSeconds(), settings.idleTimeoutMillis(), settings.poolWorkers(), settings.loops(),
                settings.basePort(), settings.java(), settings.jar(), settings.nativeDir(), settings.out(), settings.logDir(),
                settings.repetitions(), settings.seed(), settings.articleClose(), settings.articleKeepAlive(),
                settings.memoryConnections(), keepAlive, concurrency != null ? List.of() : Settings.ARTICLE_BEYOND, beyond,
                openLoop, Settings.OPEN_LOOP_PERCENTS, openLoopSeconds != null ? openLoopSeconds : full ? 10 : 1,
                full ? Settings.FULL_REPETITIONS : 1, full ? 10 : 0.5);
        ServersReport.Report report = new LoadDriver(settings, System.err).run();
        ServersReport.printSummary(report, System.out);
        System.out.println("servers: wrote " + outPath);
    }

    /** One open-loop (or, at --rate=0, closed-loop) point of OpenLoopDriver against a running server. */
    private static void load(String[] args) throws IOException, InterruptedException {
        int port = 0, connections = 100, receivers = 2;
        double rate = 0, seconds = 5;
        for (String a : args) {
            String[] kv = option(a);
            switch (kv[0]) {
                case "--port" -> port = integer(kv);
                case "--connections" -> connections = integer(kv);
                case "--receivers" -> receivers = integer(kv);
                case "--rate" -> rate = kv[1].equals("0") ? 0 : number(kv);
                case "--duration" -> seconds = number(kv);
                default -> fail("unknown option to load: " + a);
            }
        }
        if (port <= 0) fail("load needs --port=P of a running server");
        Limits.raiseOpenFiles();
        OpenLoopDriver.Result r = OpenLoopDriver.run(port, connections, rate, seconds, receivers);
        var h = r.latencyNs();
        System.out.printf("%s: %d scheduled, %d completed (%.0f/s), %d ok, %d errors, %d unfinished;"
                        + " latency p50 %.0f us, p99 %.0f us, p99.9 %.0f us, max %.0f us; send lag p50 %.0f us, p99 %.0f us%n",
                rate > 0 ? "open loop at " + rate + "/s" : "closed loop", r.scheduled(), r.completed(), r.completedPerSecond(),
                r.ok(), r.errors(), r.unfinished(), h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
                h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3, r.sendLagNs().getValueAtPercentile(50) / 1e3,
                r.sendLagNs().getValueAtPercentile(99) / 1e3);
    }

    /** A comma-separated list of positive integers; empty means none. */
    private static List<Integer> counts(String option, String list) {
        List<Integer> out = new ArrayList<>();
        for (String c : list.split(",")) {
            if (c.isBlank()) continue;
            try {
                int n = Integer.parseInt(c.strip());
                if (n < 1) throw new NumberFormatException();
                out.add(n);
            } catch (NumberFormatException e) {
                fail(option + " takes positive integers separated by commas, got '" + c + "'");
            }
        }
        return out;
    }

    private static Path ownJar() {
        try {
            return Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot tell where servers.jar is: pass --jar=PATH");
        }
    }

    private static String[] option(String arg) {
        int eq = arg.indexOf('=');
        if (!arg.startsWith("--") || eq < 0) fail("options are --name=value, got '" + arg + "'");
        return new String[] {arg.substring(0, eq), arg.substring(eq + 1)};
    }

    private static int integer(String[] kv) {
        try {
            return Integer.parseInt(kv[1]);
        } catch (NumberFormatException e) {
            fail(kv[0] + " takes an integer, got '" + kv[1] + "'");
            return 0;
        }
    }

    private static double number(String[] kv) {
        try {
            double d = Double.parseDouble(kv[1]);
            if (!(d > 0)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            fail(kv[0] + " takes a positive number, got '" + kv[1] + "'");
            return 0;
        }
    }

    private static String javaModels() {
        return Models.ids(Models.all().stream().filter(m -> m.kind == Models.Kind.JAVA).toList());
    }

    private static void usage() {
        System.out.println("""
                usage: servers.jar serve <model> [--port=P] [--idle-timeout-ms=N] [--workers=N]
                       servers.jar drive --out=FILE [--full] [--models=a,b] [--concurrency=1,10,...] [--duration=S]
                                         [--close-concurrency=10,...] (Connection: close points; none by default
                                          when --concurrency is given)
                                         [--warmup=S] [--timeout=S] [--port=BASE] [--workers=N] [--idle-timeout-ms=N]
                                         [--repetitions=N] [--seed=N] (the shuffled model order of each repetition)
                                         [--memory-connections=N] (idle keep-alive connections for bytes_per_connection, on an
                                          instance of each model started afresh; 0: none)
                                         [--open-loop-models=a,b] (default nginx,reuseport,selector,virtual when measured
                                          at 1,000 keep-alive connections; empty: none) [--open-loop-duration=S]
                       servers.jar load --port=P [--connections=N] [--rate=R (0: closed loop)] [--duration=S] [--receivers=N]
                                         (one open-loop point against a running server: latency from each request's
                                          scheduled send time, wrk2's method)
                       servers.jar models""");
    }

    private static void fail(String message) {
        System.err.println("servers: " + message);
        System.exit(2);
    }
}
