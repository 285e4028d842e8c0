package io.contextlab.servers;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * `lab servers`: for each model in turn (never two at once), start it as its own process, warm
 * it up, then for each concurrency run wrk against it and record what wrk saw and what the
 * server cost (ProcessTree, SocketCensus), and stop it. Every point ends up in servers.json as
 * measured, skipped (with the reason: descriptor or task limits) or failed (with the error).
 *
 * <p>Per point: wrk runs {@code duration} seconds; while it runs, the server's sockets are counted
 * (SocketCensus) and its process tree read at 25 % and at 60 % of the duration. The
 * context-switch figures are the difference between those two snapshots (steady state, every
 * connection open and its thread or process alive), divided by the requests served in that
 * window (rate × window). RSS, threads, processes and fds are the 60 % snapshot, i.e. under
 * load; PSS is read right after it (null if wrk had ended by then). If wrk had already ended when the second snapshot was complete (a machine so loaded that
 * reading /proc outlasted the point), the server figures are recorded as not under load
 * ({@code sampled_under_load: false}) rather than passed off as such. Over the same window,
 * CpuAccount splits the machine's CPU time into server, wrk and other (neighbours). After wrk ends, the driver waits (bounded) until the tree's
 * descriptor count is back to its idle value: a model that leaks one socket per connection shows
 * it in fds_after_drain, and the next point never starts on the previous one's leftovers.
 */
final class LoadDriver {
    /** Descriptors a server needs beyond one per connection (JVM jars, epoll, listeners, logs). */
    static final int SERVER_FD_RESERVE = 128;
    /** Tasks left for everyone else on the machine when a model needs one task per connection. */
    static final int TASK_HEADROOM = 2000;

    private final Settings s;
    private final PrintStream log;
    private final Wrk wrk;
    private final List<ServersReport.Point> points = new ArrayList<>();
    private final List<ServersReport.Server> servers = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Whether the last point's server was back to its idle sockets and processes within the bound. */
    private boolean lastDrained = true;

    LoadDriver(Settings settings, PrintStream log) throws IOException {
        this.s = settings;
        this.log = log;
        Files.createDirectories(settings.logDir());
        this.wrk = new Wrk();
    }

    /** A model started for the sweep, and what became of it. */
    private static final class Running {
        final Models model;
        final int port;
        final Path logFile;
        List<String> command = List.of();
        ServerProcess server;
        ProcessTree.Snapshot idle;
        String status = "ok", reason, deadReason;
        int restarts;
        boolean drained = true;
        /** This instance has had the Java models' warm-up. */
        boolean warmed;
        /** This instance has served load beyond its warm-up (points, open loop, the driver check). */
        boolean loaded;

        Running(Models model, int port, Path logFile) {
            this.model = model;
            this.port = port;
            this.logFile = logFile;
        }

        String url() {
            return "http://127.0.0.1:" + port + "/";
        }
    }

    ServersReport.Report run() throws IOException, InterruptedException {
        String started = Instant.now().toString();
        long t0 = System.nanoTime();
        int port = s.basePort();
        Map<Models, Running> running = new LinkedHashMap<>();
        List<List<String>> orders = new ArrayList<>();
        List<ServersReport.Memory> memory = new ArrayList<>();
        List<ServersReport.OpenLoop> openLoop = new ArrayList<>();
        ServersReport.DriverCheck check = null;
        List<Models> swept = s.swept();
        try {
            // Every model is launched at once (their start-ups overlap), then the swept Java
            // models are warmed up one at a time.
            for (Models model : s.models()) running.put(model, new Running(model, port++, s.logDir().resolve(model.id() + ".log")));
            // Every process is started from this thread (see ServerProcess.spawn) before any is
            // waited for, so their start-ups overlap.
            Map<Running, ServerProcess.Spawned> spawned = new LinkedHashMap<>();
            for (Running r : running.values()) {
                ServerProcess.Spawned sp = spawn(r);
                if (sp != null) spawned.put(r, sp);
            }
            for (var e : spawned.entrySet()) await(e.getKey(), e.getValue());
            for (Running r : running.values()) {
                if (r.server != null && (swept.contains(r.model) || s.openLoopModels().contains(r.model))) warm(r);
            }
            for (int rep = 1; rep <= s.repetitions(); rep++) {
                List<Models> order = Settings.order(swept, s.seed(), rep);
                orders.add(order.stream().map(Models::id).toList());
                log.printf("servers: repetition %d of %d: %s%n", rep, s.repetitions(), Models.ids(order));
                for (Models model : order) {
                    sweep(running.get(model), rep);
                }
            }
            if (!s.openLoopModels().isEmpty()) {
                check = driverCheck(running.get(Models.NGINX));
                for (int rep = 1; rep <= s.openLoopRepetitions(); rep++) {
                    for (Models model : s.openLoopModels()) openLoop.addAll(openLoop(running.get(model), rep));
                }
            }
            if (s.memoryConnections() > 0) {
                List<Running> measured = running.values().stream().filter(r -> r.server != null && r.deadReason == null).toList();
                renew(measured.stream().filter(r -> r.loaded).toList());
                for (Running r : measured) {
                    if (r.server == null) {
                        memory.add(ServersReport.Memory.failed(r.model.id(), s.memoryConnections(),
                                "not started again for the memory step: " + r.reason));
                        continue;
                    }
                    if (!r.warmed) warm(r);
                    memory.add(memory(r));
                }
            }
        } finally {
            List<Thread> stops = new ArrayList<>();
            for (Running r : running.values()) stops.add(Thread.ofVirtual().start(() -> stop(r)));
            for (Thread t : stops) t.join();
            // The servers list in the models' order, whatever order the stops ended in.
            servers.sort(java.util.Comparator.comparingInt(x -> s.models().indexOf(Models.byId(x.model()))));
        }
        double wall = Math.round((System.nanoTime() - t0) / 1e8) / 10.0;
        ServersReport.Report report = new ServersReport.Report(ServersReport.FORMAT, s.mode(), started,
                Instant.now().toString(), wall, settingsMap(orders), environment(), servers, points,
                ServersReport.ratio(points, Settings.RATIO_CONCURRENCY, s.seed()),
                ServersReport.threadFork(points, s.seed()), memory, openLoop, check);
        ServersReport.write(report, s.out());
        log.printf("servers: the step took %.1f s%n", wall);
        return report;
    }

    /** Starts a model's process and waits until it answers; a failure is recorded in r. */
    private void launch(Running r) {
        ServerProcess.Spawned sp = spawn(r);
        if (sp != null) await(r, sp);
    }

    private ServerProcess.Spawned spawn(Running r) {
        Models model = r.model;
        try {
            if (!ServerProcess.answers200(r.port) && portInUse(r.port)) {
                throw new IOException("port " + r.port + " is taken by another program: pick another base with --port");
            }
            r.command = ServerProcess.command(model, s, r.port, s.logDir());
            log.printf("servers: %s (%s) on 127.0.0.1:%d%n", model.id(), model.description, r.port);
            return ServerProcess.spawn(r.command, r.logFile);
        } catch (IOException | RuntimeException e) {
            failed(r, e);
            return null;
        }
    }

    private void await(Running r, ServerProcess.Spawned sp) {
        try {
            r.server = ServerProcess.await(sp, r.model, r.port, r.logFile);
            r.idle = ProcessTree.snapshot(r.server.pid());
            r.warmed = r.loaded = false;
        } catch (IOException | RuntimeException e) {
            if (sp.process().isAlive()) sp.process().destroyForcibly();
            failed(r, e);
        }
    }

    private void failed(Running r, Exception e) {
        log.printf("servers: %s not started: %s%n", r.model.id(), e.getMessage());
        r.status = "failed";
        r.reason = e.getMessage();
        if (r.server != null) r.server.close();
        r.server = null;
    }

    /** The Java models' warm-up (JIT, allocator and thread caches), discarded; then the idle snapshot. */
    private void warm(Running r) throws InterruptedException {
        if (s.warmupSeconds() <= 0 || r.model.kind != Models.Kind.JAVA) return;
        try {
            r.warmed = true;
            runWrk(r.url(), 10, s.warmupSeconds());
            drain(r.server, r.idle, 10);
            r.idle = ProcessTree.snapshot(r.server.pid());
        } catch (IOException e) {
            log.printf("servers: %s warm-up failed: %s%n", r.model.id(), e.getMessage());
        }
    }

    /**
     * A server that did not drain within the bound after a point: stopped and started again on
     * its port (a Java model warmed up again), so the next point does not begin on the last one's
     * queue (a fork server at 33 requests/s takes seconds to work off hundreds of queued
     * connections). False when it could not be started again (the model is then marked dead).
     */
    private boolean restart(Running r) throws InterruptedException {
        log.printf("servers: %s not drained within %.1f s: restarted%n", r.model.id(), s.drainBoundSeconds());
        r.server.stop();
        r.server = null;
        launch(r);
        if (r.server == null) {
            r.deadReason = "not restarted after a point: " + r.reason;
            return false;
        }
        warm(r);
        r.restarts++;
        return true;
    }

    /** One repetition of one model's points. */
    private void sweep(Running r, int rep) throws InterruptedException {
        Models model = r.model;
        for (Settings.Load load : s.loads(model)) {
            int c = load.concurrency();
            if (r.server == null) {
                points.add(ServersReport.Point.failed(model.id(), load, rep, "server not started: " + r.reason));
                continue;
            }
            if (r.deadReason != null) {
                points.add(ServersReport.Point.failed(model.id(), load, rep, r.deadReason));
                continue;
            }
            String skip = skipReason(model, c);
            if (skip != null) {
                log.printf("servers: %s c=%d skipped: %s%n", model.id(), c, skip);
                points.add(ServersReport.Point.skipped(model.id(), load, rep, skip));
                continue;
            }
            r.loaded = true;
            ServersReport.Point p = measure(model, r.server, r.port, r.url(), load, r.idle, rep);
            if (!lastDrained && r.server.process.isAlive()) {
                p = p.withRestart();
                if (!restart(r)) {
                    points.add(p);
                    continue;
                }
            }
            points.add(p);
            if (!r.server.process.isAlive()) {
                r.deadReason = "server exited with " + r.server.process.exitValue() + " during c=" + c + " "
                        + load.connection() + " (see " + r.logFile.getFileName() + ")";
                r.status = "failed";
                r.reason = r.deadReason;
                log.printf("servers: %s %s%n", model.id(), r.deadReason);
            }
        }
    }

    private void stop(Running r) {
        Models model = r.model;
        if (r.server == null) {
            servers.add(new ServersReport.Server(model.id(), model.kind.name().toLowerCase(), model.description,
                    recorded(r.command), r.port, "failed", r.reason, null, null, null, null, null, null));
            return;
        }
        long t0 = System.nanoTime();
        int exit = r.server.stop();
        long stopMs = (System.nanoTime() - t0) / 1_000_000;
        if (exit != 0 && r.reason == null) {
            r.status = "failed";
            r.reason = exit < 0 ? "did not exit within 15 s of SIGTERM (killed)" : "exited with " + exit + " on SIGTERM";
        }
        ProcessTree.Snapshot idle = r.idle;
        servers.add(new ServersReport.Server(model.id(), model.kind.name().toLowerCase(), model.description,
                recorded(r.command), r.port, r.status, r.reason, r.server.startupMillis, idle == null ? null : idle.fds(),
                idle == null ? null : idle.threads(), idle == null ? null : idle.rssKb(), exit, stopMs));
    }

    /**
     * The models that served load in this step, stopped and started again (all at once, as at the
     * start) so that the memory step reads each model at the same moment of its life: started,
     * the Java models warmed up, nothing else. Load leaves memory behind that a process holds but
     * no longer uses (malloc's free lists in nginx's workers, a JVM heap grown and touched under
     * 1,000 connections): connections opened afterwards are carved out of it and cost nothing the
     * tree's PSS can see. A failure to stop (exit code) is recorded as stop() would; a failure to
     * start again leaves r.server null (the memory record says so).
     */
    private void renew(List<Running> loaded) throws InterruptedException {
        if (loaded.isEmpty()) return;
        log.printf("servers: memory step: %s started afresh (no load but the warm-up before the readings)%n",
                Models.ids(loaded.stream().map(r -> r.model).toList()));
        List<Thread> stops = new ArrayList<>();
        for (Running r : loaded) {
            stops.add(Thread.ofVirtual().start(() -> {
                int exit = r.server.stop();
                if (exit != 0 && r.reason == null) {
                    r.status = "failed";
                    r.reason = (exit < 0 ? "did not exit within 15 s of SIGTERM (killed)" : "exited with " + exit + " on SIGTERM")
                            + " (stopped before the memory step)";
                }
                r.server = null;
            }));
        }
        for (Thread t : stops) t.join();
        Map<Running, ServerProcess.Spawned> spawned = new LinkedHashMap<>();
        for (Running r : loaded) {
            ServerProcess.Spawned sp = spawn(r);
            if (sp != null) spawned.put(r, sp);
        }
        for (var e : spawned.entrySet()) await(e.getKey(), e.getValue());
    }

    /**
     * Memory per connection (ServersReport.MEMORY_METHOD): the tree's PSS and RSS without
     * connections, then with memoryConnections idle keep-alive connections open, each having had
     * one request answered (so a thread or process exists for it), the two readings back to back.
     * For a Java model each reading follows a full GC (JavaHeap), attached before the first so its
     * agent's threads and sockets are in both; the heap used after that GC gives the heap figure.
     */
    private ServersReport.Memory memory(Running r) throws InterruptedException {
        int n = s.memoryConnections();
        long pid = r.server.pid();
        JavaHeap heap = null;
        String heapFailure = null;
        if (r.model.kind == Models.Kind.JAVA) {
            try {
                heap = JavaHeap.attach(pid);
            } catch (IOException | RuntimeException e) {
                heapFailure = "heap not read: " + e.getMessage();
            }
        }
        try {
            ProcessTree.Snapshot before = ProcessTree.snapshot(pid);
            ServersReport.MemoryReading idle = ProcessTree.memory(pid, heap == null ? null : heap.afterGcKb());
            int answered;
            ServersReport.MemoryReading with;
            try (IdleConnections open = IdleConnections.open(r.port, n, 3_000)) {
                answered = open.answered();
                Thread.sleep(100);
                with = ProcessTree.memory(pid, heap == null ? null : heap.afterGcKb());
            }
            // Back to `before`, taken with the JMX agent's sockets open (r.idle predates them).
            drain(r.server, before, 10);
            ServersReport.Memory m = ServersReport.memory(r.model.id(), n, answered, idle, with, heapFailure);
            log.printf("servers: %-9s memory: %d of %d idle connections answered, PSS %d -> %d KiB, %s bytes each%s%s%n",
                    r.model.id(), answered, n, idle.pssKb(), with.pssKb(), m.bytesPerConnection(),
                    with.heapKb() == null ? "" : "; heap after GC " + idle.heapKb() + " -> " + with.heapKb() + " KiB, "
                            + m.heapBytesPerConnection() + " bytes each",
                    m.note() == null ? "" : " (" + m.note() + ")");
            return m;
        } catch (IOException | RuntimeException e) {
            log.printf("servers: %s memory failed: %s%n", r.model.id(), e);
            return ServersReport.Memory.failed(r.model.id(), n, e.toString());
        } finally {
            if (heap != null) heap.close();
        }
    }

    /** Mean ok requests/s of a model's measured keep-alive points at `concurrency`, or null. */
    private Double peak(Models model, int concurrency) {
        List<Double> ok = points.stream().filter(p -> p.model().equals(model.id()) && p.concurrency() == concurrency
                && "keep-alive".equals(p.connection()) && "measured".equals(p.status()) && p.okRequestsPerS() != null)
                .map(ServersReport.Point::okRequestsPerS).toList();
        return ok.isEmpty() ? null : ServersReport.mean(ok);
    }

    /** Pairs per driver check: wrk, then the driver in closed loop, each as long as a sweep point. */
    static final int CHECK_PAIRS = 2;
    static final double CHECK_TOLERANCE = 0.10;

    /**
     * The open-loop driver in closed loop against wrk, back to back so that both see the same
     * machine: nginx at RATIO_CONCURRENCY keep-alive connections, CHECK_PAIRS pairs of one wrk
     * run and one driver run of the sweep's duration; ratio = mean driver / mean wrk over the
     * pairs. The first driver run also warms the driver's JIT.
     */
    private ServersReport.DriverCheck driverCheck(Running r) throws InterruptedException {
        int c = Settings.RATIO_CONCURRENCY;
        if (r == null || r.server == null || r.deadReason != null) {
            return new ServersReport.DriverCheck("nginx", c, null, List.of(), null, List.of(), null, CHECK_TOLERANCE, null,
                    "nginx not running in this session");
        }
        List<Double> wrkRuns = new ArrayList<>(), runs = new ArrayList<>();
        r.loaded = true;
        try {
            for (int i = 0; i < CHECK_PAIRS; i++) {
                Wrk.Result w = Wrk.finish(wrk.start(wrk.command(r.url(), c, Wrk.threadsFor(c), s.closeDurationSeconds(),
                        s.wrkTimeoutSeconds(), true)), (long) s.closeDurationSeconds() + 60);
                wrkRuns.add(Math.round((w.requests() - w.errors().non2xx()) / w.durationSeconds() * 10) / 10.0);
                drain(r.server, r.idle, s.drainBoundSeconds());
                OpenLoopDriver.Result res = OpenLoopDriver.run(r.port, c, 0, s.closeDurationSeconds(), Settings.OPEN_LOOP_THREADS);
                runs.add(Math.round(res.okPerSecond() * 10) / 10.0);
                drain(r.server, r.idle, s.drainBoundSeconds());
            }
        } catch (IOException e) {
            return new ServersReport.DriverCheck(r.model.id(), c, null, wrkRuns, null, runs, null, CHECK_TOLERANCE, null,
                    "the check failed: " + e);
        }
        double wrkMean = ServersReport.mean(wrkRuns), mean = ServersReport.mean(runs);
        double ratio = mean / wrkMean;
        log.printf("servers: open-loop driver in closed loop on %s at c=%d: %.0f req/s against wrk's %.0f, back to back: %.2f x%n",
                r.model.id(), c, mean, wrkMean, ratio);
        return new ServersReport.DriverCheck(r.model.id(), c, wrkMean, wrkRuns, mean, runs, round(ratio, 3), CHECK_TOLERANCE,
                Math.abs(ratio - 1) <= CHECK_TOLERANCE, null);
    }

    /** One repetition of a model's open-loop points: each rate a percentage of its keep-alive peak. */
    private List<ServersReport.OpenLoop> openLoop(Running r, int rep) throws InterruptedException {
        List<ServersReport.OpenLoop> out = new ArrayList<>();
        int c = Settings.RATIO_CONCURRENCY;
        Double peak = r == null ? null : peak(r.model, c);
        for (int pct : s.openLoopPercents()) {
            String why = r == null ? "model not in this session"
                    : r.server == null || r.deadReason != null ? "server not running: " + (r.deadReason != null ? r.deadReason : r.reason)
                    : peak == null ? "no peak: not measured at " + c + " keep-alive connections in this session" : null;
            String model = r == null ? "?" : r.model.id();
            if (why != null) {
                out.add(new ServersReport.OpenLoop(model, rep, "skipped", why, c, 0, pct, peak, s.openLoopSeconds(), null, null,
                        null, null, null, null, null, null, true));
                continue;
            }
            double rate = Math.round(peak * pct / 100.0);
            r.loaded = true;
            try {
                OpenLoopDriver.Result res = OpenLoopDriver.run(r.port, c, rate, s.openLoopSeconds(), Settings.OPEN_LOOP_THREADS);
                drain(r.server, r.idle, s.drainBoundSeconds());
                var h = res.latencyNs();
                Map<String, Long> lat = new LinkedHashMap<>();
                lat.put("p50", us(h.getValueAtPercentile(50)));
                lat.put("p90", us(h.getValueAtPercentile(90)));
                lat.put("p99", us(h.getValueAtPercentile(99)));
                lat.put("p99.9", us(h.getValueAtPercentile(99.9)));
                lat.put("max", us(h.getMaxValue()));
                Map<String, Long> lag = new LinkedHashMap<>();
                lag.put("p50", us(res.sendLagNs().getValueAtPercentile(50)));
                lag.put("p99", us(res.sendLagNs().getValueAtPercentile(99)));
                ServersReport.OpenLoop o = new ServersReport.OpenLoop(model, rep, "measured", null, c, rate, pct, round(peak, 1),
                        s.openLoopSeconds(), res.scheduled(), res.completed(), res.ok(), res.errors(), res.unfinished(),
                        round(res.completedPerSecond(), 1), lat, lag, true);
                log.printf("servers: %-9s open loop %3d%% = %6.0f req/s: p50 %6d us  p99 %7d us  p99.9 %7d us  unfinished %d"
                        + "  send lag p99 %d us%n", model, pct, rate, lat.get("p50"), lat.get("p99"), lat.get("p99.9"),
                        res.unfinished(), lag.get("p99"));
                out.add(o);
            } catch (IOException | RuntimeException e) {
                log.printf("servers: %s open loop at %d%% failed: %s%n", model, pct, e);
                out.add(new ServersReport.OpenLoop(model, rep, "failed", e.toString(), c, rate, pct, peak, s.openLoopSeconds(),
                        null, null, null, null, null, null, null, null, true));
            }
        }
        return out;
    }

    private static long us(long ns) {
        return Math.round(ns / 1000.0);
    }

    /** The command as servers.json records it, without this machine's directories. */
    private List<String> recorded(List<String> command) {
        return ServersReport.portable(command, s.out().toAbsolutePath().getParent());
    }

    private ServersReport.Point measure(Models model, ServerProcess server, int port, String url, Settings.Load load,
                                        ProcessTree.Snapshot idle, int rep) throws InterruptedException {
        lastDrained = true;
        int c = load.concurrency();
        int threads = Wrk.threadsFor(c);
        double d = Wrk.wholeSeconds(load.keepAlive() ? s.durationSeconds() : s.closeDurationSeconds());
        try {
            Process run = wrk.start(wrk.command(url, c, threads, d, s.wrkTimeoutSeconds(), load.keepAlive()));
            long t0 = System.nanoTime();
            sleepUntil(t0, 0.25 * d);
            CpuAccount.Sample cpuFirst = CpuAccount.sample(server.pid(), run.pid());
            ProcessTree.Snapshot first = ProcessTree.snapshot(server.pid());
            sleepUntil(t0, 0.6 * d);
            // With Connection: close every connection lives for one request: no census to take.
            SocketCensus.Count census = load.keepAlive() ? SocketCensus.take(port) : SocketCensus.Count.FAILED;
            ProcessTree.Snapshot second = ProcessTree.snapshot(server.pid());
            CpuAccount.Sample cpuSecond = CpuAccount.sample(server.pid(), run.pid());
            boolean underLoad = run.isAlive();
            long pss = ProcessTree.pssKb(server.pid());
            boolean pssUnderLoad = run.isAlive();
            Wrk.Result r = Wrk.finish(run, (long) d + 60);
            ProcessTree.Snapshot after = drain(server, idle, s.drainBoundSeconds());
            long drainMs = (after.nanoTime() - (t0 + (long) (d * 1e9))) / 1_000_000;

            ServersReport.Errors errors = r.errors();
            ServersReport.Latency latency = r.latencyMicros();
            double seconds = r.durationSeconds();
            double rps = r.requests() / seconds;
            double okRps = (r.requests() - errors.non2xx()) / seconds;
            double window = (second.nanoTime() - first.nanoTime()) / 1e9;
            double firstAt = (first.nanoTime() - t0) / 1e9, secondAt = (second.nanoTime() - t0) / 1e9;
            Long vol = second.voluntarySwitches() - first.voluntarySwitches();
            Long invol = second.involuntarySwitches() - first.involuntarySwitches();
            if (vol < 0 || invol < 0) {
                vol = invol = null;                  // tasks exited in the window: no honest difference
            }
            double requestsInWindow = rps * window;
            boolean perRequest = vol != null && requestsInWindow > 0 && underLoad;
            ServersReport.ServerStats stats = new ServersReport.ServerStats(underLoad, round(firstAt, 3),
                    round(secondAt, 3), second.processes(),
                    second.threads(), second.rssKb(), pssUnderLoad ? pss : null, second.fds(), round(window, 3), vol, invol,
                    perRequest ? round(vol / requestsInWindow, 4) : null,
                    perRequest ? round(invol / requestsInWindow, 4) : null);
            int unanswered = census.unanswered();
            log.printf("servers: %-9s c=%-5d %-10s %9.0f req/s  p50 %7d us  p99 %8d us  errors c/r/w/t/s %d/%d/%d/%d/%d"
                            + "  unanswered %d/%d  threads %d  rss %d MiB%n",
                    model.id(), c, load.connection(), okRps, latency.p50(), latency.p99(), errors.connect(), errors.read(),
                    errors.write(), errors.timeout(), errors.non2xx(), unanswered, census.connections(), second.threads(),
                    second.rssKb() / 1024);
            return new ServersReport.Point(model.id(), c, load.connection(), rep, "measured", null, threads, round(seconds, 3),
                    r.requests(), round(rps, 1), round(okRps, 1), round(r.bytes() / seconds, 1), latency, errors,
                    census.connections() < 0 ? null : census.connections(),
                    census.unanswered() < 0 ? null : census.unanswered(), stats,
                    underLoad ? CpuAccount.between(cpuFirst, cpuSecond) : null, after.fds(), after.sockets() - idle.sockets(), drainMs,
                    false);
        } catch (IOException | RuntimeException ex) {
            log.printf("servers: %s c=%d failed: %s%n", model.id(), c, ex);
            return ServersReport.Point.failed(model.id(), load, rep, ex.toString());
        }
    }

    private void runWrk(String url, int c, double seconds) throws IOException, InterruptedException {
        Wrk.finish(wrk.start(wrk.command(url, c, Wrk.threadsFor(c), seconds, s.wrkTimeoutSeconds(), true)),
                (long) seconds + 60);
    }

    /**
     * Waits until the server tree holds no more sockets and processes than when idle (every
     * connection of the last point closed and, for the fork model, every child gone), at most
     * boundSeconds; lastDrained says whether it got there.
     */
    private ProcessTree.Snapshot drain(ServerProcess server, ProcessTree.Snapshot idle, double boundSeconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + (long) (boundSeconds * 1e9);
        ProcessTree.Snapshot now;
        while (true) {
            now = ProcessTree.snapshot(server.pid());
            boolean drained = now.sockets() <= idle.sockets() && now.processes() <= idle.processes();
            lastDrained = drained;
            if (drained || System.nanoTime() > deadline || !server.process.isAlive()) return now;
            Thread.sleep(20);
        }
    }

    /** Why a point cannot be run here, or null. */
    private String skipReason(Models model, int c) {
        long nofile = Limits.openFilesSoft();
        if (c + SERVER_FD_RESERVE > nofile) {
            return "needs " + c + " + " + SERVER_FD_RESERVE + " descriptors in the server and as many in wrk; "
                    + "RLIMIT_NOFILE is " + nofile + " (soft, raised to the hard limit " + Limits.openFilesHard()
                    + ", which only root can raise)";
        }
        if (model == Models.THREAD || model == Models.FORK || model.article()) {
            long[] tasks = Limits.tasks();          // {existing, pid_max, threads-max}
            long cap = Math.min(tasks[1], tasks[2]) - tasks[0] - TASK_HEADROOM;
            if (c > cap) {
                return "needs " + c + " kernel tasks (one per connection); " + tasks[0] + " exist, kernel.pid_max is "
                        + tasks[1] + ", kernel.threads-max " + tasks[2] + ", and " + TASK_HEADROOM
                        + " are left for the rest of the machine";
            }
        }
        return null;
    }

    private static boolean portInUse(int port) {
        try (var ss = new java.net.ServerSocket()) {
            ss.bind(new java.net.InetSocketAddress(ServerConfig.LOOPBACK, port));
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private Map<String, Object> settingsMap(List<List<String>> orders) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("repetitions", s.repetitions());
        m.put("seed", s.seed());
        m.put("order", orders);
        m.put("article_close_concurrency", s.articleClose());
        m.put("article_keep_alive_concurrency", s.articleKeepAlive());
        m.put("memory_connections", s.memoryConnections());
        m.put("models", s.models().stream().map(Models::id).toList());
        m.put("concurrency", s.concurrency());
        m.put("close_concurrency", s.closeConcurrency());
        m.put("duration_s", s.durationSeconds());
        m.put("close_duration_s", s.closeDurationSeconds());
        m.put("warmup_s", s.warmupSeconds());
        m.put("warmup_models", "java");
        m.put("warmup_connections", 10);
        m.put("wrk_threads", "2 when concurrency is even, else 1 (wrk gives each thread concurrency/threads connections)");
        m.put("wrk_timeout_s", s.wrkTimeoutSeconds());
        m.put("idle_timeout_ms", s.idleTimeoutMillis());
        m.put("pool_workers", s.poolWorkers());
        m.put("event_loops", s.loops());
        m.put("java_options", ServerProcess.JAVA_OPTIONS);
        m.put("sample_at", List.of(0.25, 0.6));
        m.put("ratio_concurrency", Settings.RATIO_CONCURRENCY);
        m.put("keep_alive_models", s.keepAliveModels().stream().map(Models::id).toList());
        m.put("article_close_beyond", s.articleCloseBeyond());
        m.put("article_beyond_models", s.articleBeyondModels().stream().map(Models::id).toList());
        m.put("drain_bound_s", s.drainBoundSeconds());
        m.put("open_loop_models", s.openLoopModels().stream().map(Models::id).toList());
        m.put("open_loop_percent_of_peak", s.openLoopPercents());
        m.put("open_loop_duration_s", s.openLoopSeconds());
        m.put("open_loop_repetitions", s.openLoopRepetitions());
        m.put("open_loop_connections", Settings.RATIO_CONCURRENCY);
        m.put("open_loop_threads", Settings.OPEN_LOOP_THREADS);
        m.put("open_loop_peak", "the model's mean ok requests/s over the wrk points at open_loop_connections keep-alive connections of this session");
        m.put("heap", "Java models: heap used right after MemoryMXBean.gc() (a full GC), through the attach API and the local JMX agent");
        m.put("memory_method", ServersReport.MEMORY_METHOD);
        return m;
    }

    private Map<String, Object> environment() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("java_version", System.getProperty("java.version"));
        m.put("wrk", Wrk.version());
        m.put("nginx", NginxReference.version());
        m.put("nofile_soft", Limits.openFilesSoft());
        m.put("nofile_hard", Limits.openFilesHard());
        m.put("somaxconn", Limits.sysctl("net/core/somaxconn"));
        m.put("tcp_max_syn_backlog", Limits.sysctl("net/ipv4/tcp_max_syn_backlog"));
        m.put("ip_local_port_range", Limits.sysctl("net/ipv4/ip_local_port_range"));
        m.put("tcp_tw_reuse", Limits.sysctl("net/ipv4/tcp_tw_reuse"));
        m.put("tcp_congestion_control", Limits.sysctl("net/ipv4/tcp_congestion_control"));
        m.put("pid_max", Limits.sysctl("kernel/pid_max"));
        m.put("threads_max", Limits.sysctl("kernel/threads-max"));
        m.put("loadavg_at_start", Limits.loadavg());
        return m;
    }

    private static void sleepUntil(long t0, double seconds) throws InterruptedException {
        long wait = t0 + (long) (seconds * 1e9) - System.nanoTime();
        if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
    }

    private static double round(double x, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(x * f) / f;
    }
}
