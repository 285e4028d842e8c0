package io.contextlab.servers;

import io.contextlab.platform.JvmFlags;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A model running as its own process, as the load driver needs it: Java models in a fresh JVM
 * (so each has its own heap, threads and /proc entry), the C models as their programs, nginx as
 * its master. Output goes to a log file; readiness is a real GET answered 200, the same test for
 * every server.
 */
final class ServerProcess implements AutoCloseable {
    /** A bounded heap on a shared machine and a plain collector, nothing tuned. */
    static final List<String> HEAP_AND_GC = List.of("-Xms64m", "-Xmx1g", "-XX:+UseParallelGC");

    /**
     * JVM options of the Java models: HEAP_AND_GC, then the project's JVM flags (JvmFlags: the
     * access the State Threads models need, FFM downcalls and jdk.internal.vm.Continuation, which
     * changes nothing for the others).
     */
    static final List<String> JAVA_OPTIONS = Stream.concat(HEAP_AND_GC.stream(), JvmFlags.ALL.stream()).toList();

    final Process process;
    final long startupMillis;

    private ServerProcess(Process process, long startupMillis) {
        this.process = process;
        this.startupMillis = startupMillis;
    }

    static List<String> command(Models model, Settings s, int port, Path workDir) throws IOException {
        long idleMs = s.idleTimeoutMillis();
        List<String> cmd = new ArrayList<>();
        switch (model.kind) {
            case JAVA -> {
                cmd.add(s.java());
                cmd.addAll(JAVA_OPTIONS);
                cmd.add("-cp");
                cmd.add(s.jar().toString());
                cmd.add(Main.class.getName());
                cmd.add("serve");
                cmd.add(model.id());
                cmd.add("--port=" + port);
                cmd.add("--idle-timeout-ms=" + idleMs);
                cmd.add("--workers=" + (model.loopPerCore() ? s.loops() : s.poolWorkers()));
            }
            case C -> {
                cmd.add(s.nativeDir().resolve(model.binary()).toString());
                if (model.mode() != null) cmd.add("--mode=" + model.mode());
                cmd.add("--port=" + port);
                cmd.add("--idle-timeout-ms=" + idleMs);
                if (model == Models.PREFORK) cmd.add("--workers=" + s.poolWorkers());
            }
            case PYTHON -> {
                cmd.add(PYTHON);
                cmd.add(pythonScript(pythonDir()).toString());
                cmd.add("--mode=" + model.mode());
                cmd.add("--port=" + port);
                cmd.add("--idle-timeout-ms=" + idleMs);
            }
            case REFERENCE -> cmd.addAll(NginxReference.prepare(workDir.resolve("nginx"), port, s.loops(),
                    Math.max(1, idleMs / 1000)));
        }
        return cmd;
    }

    /** Debian's interpreter: the Python models use the standard library only. */
    static final String PYTHON = "/usr/bin/python3";
    static final String PYTHON_SCRIPT = "py_http_server.py";

    private static Path pythonDir;

    /**
     * Where the Python models' program is unpacked: a temporary folder of this JVM, removed at
     * exit — not the run's logs, since a run records the commit it ran, not a copy of the code.
     */
    static synchronized Path pythonDir() throws IOException {
        if (pythonDir == null) {
            pythonDir = java.nio.file.Files.createTempDirectory("contextlab-python");
            pythonDir.toFile().deleteOnExit();   // registered first, so deleted after the file in it
        }
        return pythonDir;
    }

    /** The Python models' program (a resource of servers.jar), copied into dir once. */
    static Path pythonScript(Path dir) throws IOException {
        Path target = dir.resolve(PYTHON_SCRIPT);
        if (!java.nio.file.Files.exists(target)) {
            java.nio.file.Files.createDirectories(dir);
            try (InputStream in = ServerProcess.class.getResourceAsStream(PYTHON_SCRIPT)) {
                if (in == null) throw new IOException(PYTHON_SCRIPT + " is not in servers.jar: rebuild (scripts/lab build)");
                java.nio.file.Files.copy(in, target);
            }
            target.toFile().deleteOnExit();
        }
        return target;
    }

    static ServerProcess start(Models model, List<String> command, int port, Path log) throws IOException {
        return await(spawn(command, log), model, port, log);
    }

    /** A started process and when it was started, not yet known to serve. */
    record Spawned(Process process, long startNanos) {}

    /**
     * Starts the process, without waiting. Call it from a thread that outlives the server: nginx
     * runs under setpriv --pdeathsig, and the parent-death signal fires when the thread that
     * started it ends, not the process (a pool or virtual thread's carrier would end it early).
     */
    static Spawned spawn(List<String> command, Path log) throws IOException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new Spawned(p, t0);
    }

    /** Waits (at most 20 s) until a spawned server answers 200 on port. */
    static ServerProcess await(Spawned spawned, Models model, int port, Path log) throws IOException {
        Process p = spawned.process();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            if (answers200(port)) {
                return new ServerProcess(p, (System.nanoTime() - spawned.startNanos()) / 1_000_000);
            }
            if (!p.isAlive()) {
                throw new IOException(model.id() + " exited with " + p.exitValue() + " before serving (see " + log.getFileName() + ")");
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IOException(model.id() + " did not answer on port " + port + " within 20 s (see " + log.getFileName() + ")");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting " + model.id());
            }
        }
    }

    /** One GET with Connection: close; true if the status line says 200. */
    static boolean answers200(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ServerConfig.LOOPBACK, port), 500);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(12);
            return new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
        } catch (IOException e) {
            return false;
        }
    }

    long pid() {
        return process.pid();
    }

    /**
     * SIGTERM, then up to 15 s for a clean exit (the servers close their connections and reap
     * their children), then SIGKILL to the process and anything it left behind.
     *
     * @return the exit code, or -1 if it had to be killed
     */
    int stop() {
        List<ProcessHandle> family = new ArrayList<>(process.descendants().toList());
        process.destroy();
        try {
            if (process.waitFor(15, TimeUnit.SECONDS)) {
                family.forEach(ProcessHandle::destroyForcibly);      // nothing, if it reaped them
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        family.forEach(ProcessHandle::destroyForcibly);
        return -1;
    }

    @Override
    public void close() {
        if (process.isAlive()) stop();
    }
}
