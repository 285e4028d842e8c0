package io.contextlab.lab.env;

import io.contextlab.tracing.TraceSession;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The measurement environment: one fact per key, and a warning beside each fact that distorts
 * results. `lab doctor` prints it; `lab run` records {@link #facts()} as metadata.environment and
 * {@link #warnings()} beside them. Read from /proc, /sys and a few short-lived tools, never from
 * a guess: a fact the machine does not show is null or "not visible".
 */
public final class Environment {
    private static final int CAP_SYS_ADMIN = 21, CAP_PERFMON = 38, CAP_BPF = 39;
    private static final Path SYS_CPU = Path.of("/sys/devices/system/cpu");

    /** One fact, and what it does to the figures (null when nothing). */
    record Fact(String key, Object value, String warning) {
        Fact(String key, Object value) {
            this(key, value, null);
        }
    }

    private final List<Fact> facts;
    private final String javaCommand;

    Environment(List<Fact> facts, String javaCommand) {
        this.facts = List.copyOf(facts);
        this.javaCommand = javaCommand;
    }

    /**
     * Reads every fact of this machine. {@code javaCommand} is the java the benchmarks run on
     * (its version is a fact); null means the JVM running this code.
     */
    public static Environment collect(String javaCommand) {
        String java = javaCommand != null ? javaCommand
                : ProcessHandle.current().info().command().orElse("java");
        List<Fact> f = new ArrayList<>();
        f.add(new Fact("host", read("/proc/sys/kernel/hostname")));
        f.add(new Fact("kernel", "Linux " + read("/proc/sys/kernel/osrelease") + " " + machine()));
        // Only the kernel's own parameters: what follows " -- " belongs to init, not to the kernel.
        String cmdline = read("/proc/cmdline");
        f.add(new Fact("kernel_cmdline", cmdline == null ? "" : cmdline.split(" -- ")[0]));
        Cpu cpu = Cpu.parse(Optional.ofNullable(read("/proc/cpuinfo")).orElse(""));  // ProcFs at merge
        f.add(new Fact("cpu_model", cpu.model()));
        f.add(new Fact("cpu_vendor", cpu.vendor()));
        f.add(new Fact("cpu_family_model", cpu.familyModel()));
        f.add(new Fact("microcode", cpu.microcode()));
        int online = cpusOnline();
        f.add(new Fact("cpus_online", online, Rules.fewCpus(online)));
        Integer tpc = threadsPerCore();
        f.add(new Fact("threads_per_core", tpc, tpc != null && tpc > 1
                ? "SMT on: two logical CPUs share a core's pipeline; 'two CPUs' may be one core" : null));
        String smt = read(SYS_CPU + "/smt/active");
        f.add(new Fact("smt_active", smt == null ? null : smt.equals("1")));
        String governor = read(SYS_CPU + "/cpu0/cpufreq/scaling_governor");
        f.add(new Fact("frequency_governor", governor == null || governor.isEmpty() ? "not visible" : governor,
                governor != null && !governor.isEmpty() && !governor.equals("performance")
                        ? "governor is not 'performance': the clock moves under the benchmark" : null));
        Boolean turbo = turbo();
        f.add(new Fact("turbo", turbo == null ? "not visible" : turbo,
                Boolean.TRUE.equals(turbo) ? "turbo boost on: clock speed depends on temperature and load" : null));
        String virt = virtualization(cpu);
        f.add(new Fact("virtualization", virt, virt.equals("none") ? null
                : "virtual machine: vCPUs can be descheduled by the host and idle vCPUs halt (cross-CPU wake-ups cost more)"));
        String clocksource = read("/sys/devices/system/clocksource/clocksource0/current_clocksource");
        f.add(new Fact("clocksource", clocksource, Rules.slowClocksource(clocksource)));
        f.add(new Fact("tsc_khz", tscKhz()));
        Map<String, String> vulns = mitigations();
        List<String> mitigated = vulns.entrySet().stream()
                .filter(e -> e.getValue() != null && e.getValue().startsWith("Mitigation")).map(Map.Entry::getKey).toList();
        f.add(new Fact("mitigations", vulns, mitigated.isEmpty() ? null
                : "kernel-entry mitigations active (" + String.join(", ", mitigated) + "): every syscall pays for them"));
        String thp = read("/sys/kernel/mm/transparent_hugepage/enabled");
        f.add(new Fact("transparent_hugepages", thp, thp != null && thp.contains("[always]")
                ? "THP 'always': large anonymous mappings may fault 2 MB at a time" : null));
        boolean btf = Files.exists(Path.of("/sys/kernel/btf/vmlinux"));
        f.add(new Fact("btf", btf, btf ? null : "no /sys/kernel/btf/vmlinux: the CO-RE eBPF probes cannot load"));
        f.add(new Fact("lockdown", read("/sys/kernel/security/lockdown")));
        List<String> uids = statusFields("Uid");  // real, effective, saved, filesystem
        boolean root = uids.size() > 1 && uids.get(1).equals("0");
        f.add(new Fact("root", root, root ? null
                : "not root: eBPF tracing and affinity across users need root (sudo scripts/lab ...)"));
        Map<String, Boolean> caps = capabilities();
        f.add(new Fact("capabilities", caps, Boolean.TRUE.equals(caps.get("CAP_BPF")) ? null : "no CAP_BPF: eBPF probes will not load"));
        String paranoid = read("/proc/sys/kernel/perf_event_paranoid");
        f.add(new Fact("perf_event_paranoid", paranoid == null ? null : Integer.valueOf(paranoid)));
        Map<String, Object> nofile = rlimitNofile();
        f.add(new Fact("rlimit_nofile", nofile, Rules.lowNofile(nofile.get("hard"))));
        String noCounters = hardwareCountersMissing();
        f.add(new Fact("hardware_perf_counters", noCounters == null, noCounters == null ? null
                : "no hardware counters (" + noCounters + "): no cycles or instructions, software events only"));
        f.add(new Fact("memory", memory()));
        List<Double> load = loadavg();
        f.add(new Fact("loadavg", load, Rules.busy(load, online)));
        Map<String, Object> jdk = Jdk.facts(java);
        f.add(new Fact("jdk", jdk, Jdk.warning(jdk == null ? null : (String) jdk.get("version"))));
        f.add(new Fact("tracefs_mounted", Files.isDirectory(Path.of("/sys/kernel/tracing/events"))
                || Files.isDirectory(Path.of("/sys/kernel/debug/tracing/events"))));
        Map<String, Object> tracing = tracing();
        f.add(new Fact("tracing", tracing, Boolean.TRUE.equals(tracing.get("available")) ? null
                : "eBPF tracing unavailable: " + tracing.get("reason") + ": runs go on untraced"));
        f.add(new Fact("gcc", Commands.version("gcc", "--version")));
        f.add(new Fact("clang", Commands.version("clang", "--version")));
        String libbpf = Commands.run(Duration.ofSeconds(10), List.of("dpkg-query", "-W", "-f=${Version}", "libbpf1"))
                .filter(Commands.Output::ok).map(o -> o.stdout().strip()).orElse(null);
        f.add(new Fact("libbpf", libbpf, libbpf == null ? "libbpf1 is not installed: no eBPF tracing" : null));
        f.add(new Fact("perf", Commands.version("perf", "version")));
        // The analysis runs on Debian's python3 (DESIGN: no PyPI), so that is the one recorded.
        String python = Commands.version("/usr/bin/python3", "--version");
        f.add(new Fact("python", python == null ? null : python.replaceFirst("^Python ", "")));
        return new Environment(f, java);
    }

    /** Every fact, in a fixed order: metadata.environment. */
    public Map<String, Object> facts() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Fact f : facts) out.put(f.key(), f.value());
        return Collections.unmodifiableMap(out);
    }

    /** The warnings beside the facts, in the facts' order. */
    public List<String> warnings() {
        return facts.stream().map(Fact::warning).filter(w -> w != null).toList();
    }

    /** `lab doctor`: one line per fact, a warning under each fact that distorts results. */
    public void print(PrintStream out) {
        boolean colour = out == System.out && System.console() != null;
        for (Fact f : facts) {
            out.printf("%-24s %s%n", f.key(), shown(f.key(), f.value()));
            if (f.warning() != null) {
                out.printf("%-24s %s %s%n", "", colour ? "\033[33mwarning:\033[0m" : "warning:", f.warning());
            }
        }
    }

    private String shown(String key, Object value) {
        if (value == null) return "not visible";
        if (key.equals("mitigations") && value instanceof Map<?, ?> m) {
            String s = m.entrySet().stream().filter(e -> e.getValue() != null && !"Not affected".equals(e.getValue()))
                    .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", "));
            return s.isEmpty() ? "none reported" : s;
        }
        if (key.equals("tracing") && value instanceof Map<?, ?> m) {
            return Boolean.TRUE.equals(m.get("available"))
                    ? "available: " + String.join(", ", listOf(m.get("probes"))) + " (" + m.get("attach_types") + ")"
                    : "unavailable: " + m.get("reason");
        }
        if (key.equals("jdk") && value instanceof Map<?, ?> m) return m.get("banner") + " (" + javaCommand + ")";
        if (value instanceof Map<?, ?> m) {
            return m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
        }
        return String.valueOf(value);
    }

    private static List<String> listOf(Object o) {
        return o instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }

        /** The warnings whose rule is a threshold, apart so that tests can hold them to their facts. */
    static final class Rules {
        private Rules() {}

        static String fewCpus(int online) {
            return online > 0 && online < 4
                    ? "fewer than 4 CPUs: cross-CPU benchmarks share their cores with the JVM's own threads" : null;
        }

        static String slowClocksource(String clocksource) {
            if (clocksource == null || List.of("tsc", "kvm-clock", "hyperv_clocksource_tsc_page", "arch_sys_counter").contains(clocksource)) {
                return null;
            }
            return "clocksource " + clocksource + " is not readable from the vDSO: clock_gettime enters the kernel";
        }

        static String lowNofile(Object hard) {
            return hard instanceof Long h && h < 1_000_000
                    ? "hard RLIMIT_NOFILE is " + h + ": epoll and C10K curves stop there" : null;
        }

        static String busy(List<Double> load, int online) {
            return !load.isEmpty() && online > 0 && load.get(0) > 0.5 * online
                    ? String.format(Locale.ROOT, "load average %.2f: something else is running", load.get(0)) : null;
        }
    }

    // ---- reading the machine -------------------------------------------------------------

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path)).strip();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String machine() {
        String arch = System.getProperty("os.arch");
        return arch.equals("amd64") ? "x86_64" : arch;
    }

    /** The CPUs in /sys/devices/system/cpu/online ("0-1,4"), or what the JVM sees. */
    private static int cpusOnline() {
        String online = read(SYS_CPU + "/online");
        return online == null || online.isEmpty() ? Runtime.getRuntime().availableProcessors() : countList(online);
    }

    /** How many CPUs a kernel CPU list ("0-3,8,10-11") names. */
    static int countList(String list) {
        int count = 0;
        for (String part : list.split(",")) {
            String[] range = part.strip().split("-");
            count += range.length == 2 ? Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1 : 1;
        }
        return count;
    }

    private static Integer threadsPerCore() {
        String siblings = read(SYS_CPU + "/cpu0/topology/thread_siblings_list");
        return siblings == null || siblings.isEmpty() ? null : countList(siblings);
    }

    private static Boolean turbo() {
        String noTurbo = read(SYS_CPU + "/intel_pstate/no_turbo");
        if (noTurbo != null) return noTurbo.equals("0");
        String boost = read(SYS_CPU + "/cpufreq/boost");
        return boost == null ? null : boost.equals("1");
    }

    private static String virtualization(Cpu cpu) {
        String virt = Commands.run(Duration.ofSeconds(10), List.of("systemd-detect-virt", "--vm"))
                .map(o -> o.stdout().strip()).filter(s -> !s.isEmpty()).orElse(null);
        if ((virt == null || virt.equals("none")) && cpu.flags().contains("hypervisor")) {
            virt = "yes (hypervisor flag in cpuinfo)";
        }
        return virt == null ? "none" : virt;
    }

    /** The TSC frequency the kernel settled on, where it shows it (tsc_freq_khz, not in every kernel). */
    private static Long tscKhz() {
        String khz = read(SYS_CPU + "/cpu0/tsc_freq_khz");
        try {
            return khz == null || khz.isEmpty() ? null : Long.valueOf(khz);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Map<String, String> mitigations() {
        Map<String, String> vulns = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(SYS_CPU.resolve("vulnerabilities"))) {
            files.sorted().forEach(p -> vulns.put(p.getFileName().toString(), read(p.toString())));
        } catch (IOException e) {
            // no such folder (old kernel, other architecture): nothing reported
        }
        return vulns;
    }

    private static Map<String, Boolean> capabilities() {
        List<String> capEff = statusFields("CapEff");
        Map<String, Boolean> caps = new LinkedHashMap<>();
        if (capEff.isEmpty()) return caps;
        long eff = Long.parseUnsignedLong(capEff.get(0), 16);
        caps.put("CAP_BPF", (eff >>> CAP_BPF & 1) == 1);
        caps.put("CAP_PERFMON", (eff >>> CAP_PERFMON & 1) == 1);
        caps.put("CAP_SYS_ADMIN", (eff >>> CAP_SYS_ADMIN & 1) == 1);
        return caps;
    }

    /** The whitespace-separated fields of the "key:" line of /proc/self/status; empty when absent. */
    private static List<String> statusFields(String key) {  // ProcFs at merge
        String status = read("/proc/self/status");
        if (status == null) return List.of();
        for (String line : status.split("\n")) {
            if (line.startsWith(key + ":")) return List.of(line.substring(key.length() + 1).strip().split("\\s+"));
        }
        return List.of();
    }

    /**
     * RLIMIT_NOFILE from /proc/self/limits. The JVM raises its soft limit to the hard one at start
     * (MaxFDLimit), as the benchmarks' forks do, so soft reads as they see it.
     */
    private static Map<String, Object> rlimitNofile() {  // ProcFs at merge
        Map<String, Object> out = new LinkedHashMap<>();
        String limits = read("/proc/self/limits");
        for (String line : limits == null ? new String[0] : limits.split("\n")) {
            if (!line.startsWith("Max open files")) continue;
            String[] f = line.substring("Max open files".length()).strip().split("\\s+");
            out.put("soft", limit(f[0]));
            out.put("hard", limit(f[1]));
        }
        return out;
    }

    private static Object limit(String s) {
        return s.equals("unlimited") ? s : Long.valueOf(s);
    }

    /** Null when the kernel exposes a hardware PMU (cycles, instructions) to perf_event_open, else why not. */
    private static String hardwareCountersMissing() {
        if (!Files.isDirectory(Path.of("/sys/bus/event_source/devices/cpu"))) {
            return "no PMU in /sys/bus/event_source/devices (a VM without vPMU)";
        }
        Optional<Commands.Output> r = Commands.run(Duration.ofSeconds(10), List.of("perf", "stat", "-x,", "-e", "instructions", "true"));
        if (r.isPresent() && (r.get().stderr().contains("not supported") || r.get().stderr().contains("<not counted>"))) {
            return "perf stat -e instructions: not supported";
        }
        return null;
    }

    /** The first three lines of /proc/meminfo (MemTotal, MemFree, MemAvailable), as the kernel spells them. */
    private static Map<String, String> memory() {  // ProcFs at merge
        Map<String, String> mem = new LinkedHashMap<>();
        String meminfo = read("/proc/meminfo");
        if (meminfo == null) return mem;
        meminfo.lines().limit(3).forEach(line -> {
            int colon = line.indexOf(':');
            if (colon > 0) mem.put(line.substring(0, colon), line.substring(colon + 1).strip());
        });
        return mem;
    }

    private static List<Double> loadavg() {  // ProcFs at merge
        String load = read("/proc/loadavg");
        if (load == null) return List.of();
        String[] f = load.split("\\s+");
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < 3 && i < f.length; i++) out.add(Math.round(Double.parseDouble(f[i]) * 100) / 100.0);
        return out;
    }

    /** What the tracing module itself says it can do here, asked in this JVM. */
    private static Map<String, Object> tracing() {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            out.putAll(TraceSession.check());
        } catch (LinkageError | RuntimeException e) {
            out.put("available", false);
            out.put("reason", "the tracing check failed: " + e);
        }
        if (out.get("reason") == null) out.remove("reason");
        return out;
    }
}
