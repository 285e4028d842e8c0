package io.contextlab.tracing;

import io.contextlab.platform.Json;
import io.contextlab.tracing.probes.Cswitch;
import io.contextlab.tracing.probes.Faults;
import io.contextlab.tracing.probes.Probe;
import io.contextlab.tracing.probes.ProbeUnavailableException;
import io.contextlab.tracing.probes.Runqlat;
import io.contextlab.tracing.probes.Runqlen;
import io.contextlab.tracing.probes.Syscalls;
import io.contextlab.tracing.probes.TracingSupport;
import io.contextlab.tracing.probes.Wakeups;
import io.contextlab.tracing.libbpf.BpfException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * `lab trace`: a standalone session, libbpf-tools style. Traces a running process (--pid) or a
 * command it starts (after --), prints bcc-style histograms and tables at the end, and writes
 * each probe's table as traces/PROBE.csv and all readings as traces/trace.json under --out.
 *
 * <p>A command is started stopped (a shell that SIGSTOPs itself, then execs the command, keeping
 * its pid): the probes attach to that pid before the command's first instruction, then SIGCONT.
 */
public final class TraceSession {
    /** The record traces/trace.json holds (datasets/schema/trace.v1.schema.json). */
    public static final String FORMAT = "contextlab.trace/1";
    static final List<String> ALL_PROBES = List.of("runqlen", "runqlat", "cswitch", "syscalls", "faults", "wakeups");
    private static final int SIGCONT = 18;

    /** kill(2), through the platform's libc binding; made on first use. */
    private static final class Kill {
        static final java.lang.invoke.MethodHandle KILL = io.contextlab.platform.libc.Libc.downcall("kill",
                java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_INT,
                        java.lang.foreign.ValueLayout.JAVA_INT, java.lang.foreign.ValueLayout.JAVA_INT));
    }

    private static void kill(int pid, int signal) {
        try {
            int rc = (int) Kill.KILL.invokeExact(pid, signal);
        } catch (Throwable t) {
            throw io.contextlab.platform.libc.Libc.rethrow(t);
        }
    }

    private final List<String> probeNames;
    private final double durationSeconds;
    private final int sampleHz;
    private final Path out;
    private final int pid;
    private final List<String> command;

    private TraceSession(List<String> probeNames, double durationSeconds, int sampleHz, Path out, int pid, List<String> command) {
        this.probeNames = probeNames;
        this.durationSeconds = durationSeconds;
        this.sampleHz = sampleHz;
        this.out = out;
        this.pid = pid;
        this.command = command;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--check")) {
            System.out.println(Json.toJson(check()));
            return;
        }
        TraceSession session;
        try {
            session = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("lab trace: " + e.getMessage());
            System.err.println("usage: lab trace [--probes " + String.join(",", ALL_PROBES) + "] [--duration S] [--hz N] [--out DIR] (--pid P | -- COMMAND...)");
            System.exit(2);
            return;
        }
        String reason = TracingSupport.unavailableReason();
        if (reason != null) {
            System.err.println("lab trace: " + reason);
            System.exit(1);
        }
        try {
            System.exit(session.run());
        } catch (BpfException | ProbeUnavailableException e) {
            System.err.println("lab trace: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Whether tracing works here and why not: `lab trace --check` prints it, and
     * io.contextlab.lab.env.Environment records it (in its own JVM) beside each run.
     */
    public static Map<String, Object> check() {
        Map<String, Object> out = new LinkedHashMap<>();
        String reason = TracingSupport.unavailableReason();
        out.put("available", reason == null);
        out.put("reason", reason);
        out.put("libbpf", io.contextlab.tracing.libbpf.Libbpf.unavailableReason() == null ? io.contextlab.tracing.libbpf.Libbpf.version() : null);
        out.put("probes", ALL_PROBES.stream().filter(TracingSupport::built).toList());
        out.put("attach_types", "tp_btf tracepoints and perf_event (cpu-clock) sampling; no kprobes or fentry needed");
        return out;
    }

    static TraceSession parse(String[] args) {
        List<String> probes = ALL_PROBES;
        double duration = Double.NaN;
        int hz = Runqlen.DEFAULT_SAMPLE_HZ;
        Path out = null;
        int pid = 0;
        List<String> command = List.of();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--probes" -> {
                    probes = Arrays.stream(value(args, ++i, a).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
                    for (String p : probes) {
                        if (!ALL_PROBES.contains(p)) throw new IllegalArgumentException("unknown probe '" + p + "' (known: " + String.join(",", ALL_PROBES) + ")");
                    }
                }
                case "--duration" -> duration = Double.parseDouble(value(args, ++i, a));
                case "--hz" -> hz = Integer.parseInt(value(args, ++i, a));
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--pid" -> pid = Integer.parseInt(value(args, ++i, a));
                case "--" -> {
                    command = List.of(Arrays.copyOfRange(args, i + 1, args.length));
                    i = args.length;
                }
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if ((pid == 0) == command.isEmpty()) throw new IllegalArgumentException("give either --pid P or -- COMMAND...");
        if (pid != 0 && !ProcessHandle.of(pid).isPresent()) throw new IllegalArgumentException("no process " + pid);
        if (pid != 0 && Double.isNaN(duration)) duration = 10;
        return new TraceSession(probes, duration, hz, out, pid, command);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
        return args[i];
    }

    int run() throws Exception {
        Process child = null;
        int target = pid;
        if (!command.isEmpty()) {
            List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c", "kill -STOP $$; exec \"$@\"", "lab-trace"));
            wrapped.addAll(command);
            child = new ProcessBuilder(wrapped).inheritIO().start();
            target = (int) child.pid();
            waitUntilStopped(target);
        }
        List<Probe> probes = new ArrayList<>();
        try {
            for (String name : probeNames) probes.add(open(name, target));
            for (Probe p : probes) p.attach();
            Instant started = Instant.now();
            System.err.printf("lab trace: tracing %s (%s)%s%n", command.isEmpty() ? "pid " + target : String.join(" ", command),
                    String.join(",", probeNames), Double.isNaN(durationSeconds) ? " until it exits" : " for " + durationSeconds + " s");
            int status = 0;
            if (child != null) {
                kill(target, SIGCONT);
                if (Double.isNaN(durationSeconds)) {
                    status = child.waitFor();
                } else if (child.waitFor((long) (durationSeconds * 1000), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    status = child.exitValue();
                }
            } else {
                var handle = ProcessHandle.of(target);
                long deadline = System.nanoTime() + (long) (durationSeconds * 1e9);
                while (System.nanoTime() < deadline && handle.map(ProcessHandle::isAlive).orElse(false)) Thread.sleep(50);
            }
            double seconds = java.time.Duration.between(started, Instant.now()).toNanos() / 1e9;
            for (Probe p : probes) p.detach();
            report(probes, target, seconds, System.out);
            if (out != null) write(probes, target, seconds);
            return status;
        } finally {
            probes.forEach(Probe::close);
            if (child != null && child.isAlive()) {
                System.err.println("lab trace: --duration is over; the command (pid " + target + ") goes on untraced");
            }
        }
    }

    private Probe open(String name, int target) {
        return switch (name) {
            case "runqlen" -> new Runqlen(sampleHz);
            case "runqlat" -> new Runqlat(target);
            case "cswitch" -> new Cswitch(target);
            case "syscalls" -> new Syscalls(target);
            case "faults" -> new Faults(target);
            case "wakeups" -> new Wakeups(target);
            default -> throw new IllegalArgumentException("unknown probe " + name);
        };
    }

    /** /proc/PID/stat's state field is 'T' once the shell has stopped itself. */
    private static void waitUntilStopped(int pid) throws InterruptedException, IOException {
        Path stat = Path.of("/proc/" + pid + "/stat");
        for (int i = 0; i < 2000; i++) {
            String s = Files.readString(stat);
            char state = s.charAt(s.lastIndexOf(')') + 2);
            if (state == 'T') return;
            Thread.sleep(1);
        }
        throw new IllegalStateException("the command's shell (pid " + pid + ") did not stop itself within 2 s");
    }

    /** The command as recorded: its program by name, not by this machine's path to it. */
    static List<String> shown(List<String> command) {
        if (command.isEmpty()) return command;
        List<String> out = new ArrayList<>(command);
        out.set(0, Path.of(command.get(0)).getFileName().toString());
        return out;
    }

    private void report(List<Probe> probes, int target, double seconds, PrintStream ps) {
        ps.printf("%n== lab trace: pid %d (its threads, not its children), %.2f s%s ==%n", target, seconds,
                probeNames.contains("runqlen") ? "; runqlen: every CPU, every process" : "");
        for (Probe p : probes) {
            ps.printf("%n-- %s --", p.name());
            p.print(ps);
        }
    }

    private void write(List<Probe> probes, int target, double seconds) throws IOException {
        Path traces = out.resolve("traces");
        Files.createDirectories(traces);
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("format", FORMAT);
        all.put("target_pid", target);
        all.put("command", shown(command));
        all.put("seconds", seconds);
        all.put("runqlen_sample_hz", sampleHz);
        Map<String, Object> readings = new LinkedHashMap<>();
        for (Probe p : probes) {
            readings.put(p.name(), p.reading());
            String csv = p.table().stream()
                    .map(row -> row.stream().map(String::valueOf).collect(Collectors.joining(",")))
                    .collect(Collectors.joining("\n", "", "\n"));
            Files.writeString(traces.resolve(p.name() + ".csv"), csv);
        }
        all.put("probes", readings);
        Json.write(traces.resolve("trace.json"), all);
        System.err.println("lab trace: wrote " + traces);
    }
}
