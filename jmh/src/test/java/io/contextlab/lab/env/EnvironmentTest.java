package io.contextlab.lab.env;

import io.contextlab.platform.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The facts of this machine have every key metadata.environment needs, and each warning sits beside its fact. */
class EnvironmentTest {
    /** The keys of the v1 run's environment (committed on 2026-11-22), plus the four added with metadata/2. */
    static final List<String> KEYS = List.of("host", "kernel", "kernel_cmdline", "cpu_model", "cpu_vendor",
            "cpu_family_model", "microcode", "cpus_online", "threads_per_core", "smt_active", "frequency_governor", "turbo",
            "virtualization", "clocksource", "tsc_khz", "mitigations", "transparent_hugepages", "btf", "lockdown", "root",
            "capabilities", "perf_event_paranoid", "rlimit_nofile", "hardware_perf_counters", "memory", "loadavg", "jdk",
            "tracefs_mounted", "tracing", "gcc", "clang", "libbpf", "perf", "python");

    static Environment env;
    static Map<String, Object> facts;

    @BeforeAll
    static void collect() {
        env = Environment.collect(null);
        facts = env.facts();
    }

    @Test
    void factsHaveEveryKeyInOrder() {
        assertEquals(KEYS, List.copyOf(facts.keySet()));
    }

    @Test
    void theJdkIsRecordedWithoutItsPath() {
        @SuppressWarnings("unchecked")
        Map<String, Object> jdk = (Map<String, Object>) facts.get("jdk");
        assertEquals(List.of("version", "vendor", "vm", "vm_version", "banner"), List.copyOf(jdk.keySet()));
        assertEquals(System.getProperty("java.version"), jdk.get("version"));
        assertFalse(Json.toJson(facts).contains(System.getProperty("java.home")), "no path of this machine's JDK");
    }

    @Test
    void theTracingFactIsTheTracingModulesOwnCheck() {
        @SuppressWarnings("unchecked")
        Map<String, Object> tracing = (Map<String, Object>) facts.get("tracing");
        assertTrue(tracing.get("available") instanceof Boolean);
        assertEquals(Boolean.TRUE.equals(tracing.get("available")), !tracing.containsKey("reason"));
    }

    @Test
    void warningsFollowTheirFacts() {
        List<String> w = env.warnings();
        int cpus = (Integer) facts.get("cpus_online");
        assertEquals(cpus < 4, w.stream().anyMatch(s -> s.startsWith("fewer than 4 CPUs")));
        assertEquals(!(Boolean) facts.get("root"), w.stream().anyMatch(s -> s.startsWith("not root")));
        assertEquals(!(Boolean) facts.get("btf"), w.stream().anyMatch(s -> s.startsWith("no /sys/kernel/btf/vmlinux")));
        assertEquals(!(Boolean) facts.get("hardware_perf_counters"), w.stream().anyMatch(s -> s.startsWith("no hardware counters")));
        assertEquals(!"none".equals(facts.get("virtualization")), w.stream().anyMatch(s -> s.startsWith("virtual machine")));
        assertEquals(facts.get("libbpf") == null, w.stream().anyMatch(s -> s.startsWith("libbpf1 is not installed")));
        Object hard = ((Map<?, ?>) facts.get("rlimit_nofile")).get("hard");
        assertEquals(hard instanceof Long h && h < 1_000_000, w.stream().anyMatch(s -> s.startsWith("hard RLIMIT_NOFILE")));
    }

    @Test
    void printWritesEveryKeyAndEveryWarning() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        env.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        for (String key : KEYS) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(key + " ")), key + " missing from: " + lines);
        }
        for (String warning : env.warnings()) {
            assertTrue(lines.stream().anyMatch(l -> l.endsWith("warning: " + warning)), warning);
        }
    }

    @Test
    void thresholdRules() {
        assertNotNull(Environment.Rules.fewCpus(3));
        assertNull(Environment.Rules.fewCpus(4));
        assertNull(Jdk.warning("25.0.1"));
        assertNull(Jdk.warning("26-ea"));
        assertNotNull(Jdk.warning("21.0.2"));
        assertNotNull(Jdk.warning(null));
        assertNull(Environment.Rules.slowClocksource("tsc"));
        assertNotNull(Environment.Rules.slowClocksource("hpet"));
        assertNotNull(Environment.Rules.lowNofile(20_000L));
        assertNull(Environment.Rules.lowNofile(1_048_576L));
        assertNull(Environment.Rules.lowNofile("unlimited"));
        assertNotNull(Environment.Rules.busy(List.of(1.5, 0.0, 0.0), 2));
        assertNull(Environment.Rules.busy(List.of(0.5, 0.0, 0.0), 2));
        assertEquals(7, Environment.countList("0-3,8,10-11"));
        assertEquals(1, Environment.countList("0"));
    }

    @Test
    void cpuinfoAndJdkTextAreRead() {
        Cpu cpu = Cpu.parse("""
                processor\t: 0
                vendor_id\t: GenuineIntel
                cpu family\t: 6
                model\t\t: 85
                model name\t: Some CPU @ 1.00GHz
                stepping\t: 7
                microcode\t: 0x1
                flags\t\t: fpu tsc hypervisor

                processor\t: 1
                model name\t: Other
                """);
        assertEquals(new Cpu("Some CPU @ 1.00GHz", "GenuineIntel", "6/85/7", "0x1", List.of("fpu", "tsc", "hypervisor")), cpu);
        Map<String, Object> jdk = Jdk.parse("""
                Property settings:
                    java.vendor = Some Vendor
                    java.version = 25.0.1
                    java.vm.name = OpenJDK 64-Bit Server VM
                    java.vm.version = 25.0.1+8
                    line.separator = \\n

                openjdk version "25.0.1" 2025-10-21 LTS
                OpenJDK Runtime Environment (build 25.0.1+8)
                """);
        assertEquals("25.0.1", jdk.get("version"));
        assertEquals("Some Vendor", jdk.get("vendor"));
        assertEquals("openjdk version \"25.0.1\" 2025-10-21 LTS", jdk.get("banner"));
    }
}
