package io.contextlab.tracing.probes;

import static io.contextlab.platform.proc.ProcFs.CAP_BPF;
import static io.contextlab.platform.proc.ProcFs.CAP_PERFMON;
import static io.contextlab.platform.proc.ProcFs.CAP_SYS_ADMIN;

import io.contextlab.platform.proc.ProcFs;
import io.contextlab.tracing.libbpf.Libbpf;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Whether probes can run here, and the .bpf.o files the build put in the jar (copied out once
 * per JVM: libbpf opens a path, not a jar entry). Each missing means is one line saying what is
 * missing and how to get it.
 */
public final class TracingSupport {
    private static final Path BTF = Path.of("/sys/kernel/btf/vmlinux");
    private static final Map<String, Path> EXTRACTED = new HashMap<>();
    private static Path dir;

    private TracingSupport() {}

    /** Null when probes can load here, else the first reason they cannot. */
    public static String unavailableReason() {
        if (!"Linux".equals(System.getProperty("os.name")) || !"amd64".equals(System.getProperty("os.arch"))) {
            return "eBPF tracing needs Linux on x86-64, not " + System.getProperty("os.name") + " " + System.getProperty("os.arch");
        }
        if (!Files.exists(BTF)) {
            return "this kernel has no BTF (" + BTF + "): the CO-RE probes need a kernel built with CONFIG_DEBUG_INFO_BTF=y";
        }
        if (!privileged()) {
            return "not root and no CAP_BPF+CAP_PERFMON: run as root (sudo) to trace";
        }
        String libbpf = Libbpf.unavailableReason();
        if (libbpf != null) return libbpf;
        if (!built("cswitch")) {
            return "this build has no BPF objects (clang, bpftool or BTF were missing when it was built): install clang llvm bpftool and rebuild with scripts/lab build";
        }
        return null;
    }

    /** Throws {@link ProbeUnavailableException} with the reason when probes cannot load here. */
    public static void require() {
        String reason = unavailableReason();
        if (reason != null) throw new ProbeUnavailableException(reason);
    }

    static boolean privileged() {
        try {
            return ProcFs.hasCapability(CAP_BPF) && ProcFs.hasCapability(CAP_PERFMON) || ProcFs.hasCapability(CAP_SYS_ADMIN);
        } catch (RuntimeException e) {
            return false;   // no /proc, or no CapEff line: assume not
        }
    }

    /** Whether this build carries the probe's object (bpf/<name>.bpf.o in the jar). */
    public static boolean built(String name) {
        return TracingSupport.class.getResource(resource(name)) != null;
    }

    private static String resource(String name) {
        return "/bpf/" + name + ".bpf.o";
    }

    /** The extracted path of bpf/<name>.bpf.o. */
    static synchronized Path object(String name) {
        Path path = EXTRACTED.get(name);
        if (path != null) return path;
        String resource = resource(name);
        try (InputStream in = TracingSupport.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ProbeUnavailableException(resource + " is not in this build (clang, bpftool or BTF were missing when it was built): install clang llvm bpftool and rebuild with scripts/lab build");
            }
            if (dir == null) {
                dir = Files.createTempDirectory("contextlab-bpf-");
                dir.toFile().deleteOnExit();
            }
            path = dir.resolve(name + ".bpf.o");
            Files.copy(in, path, StandardCopyOption.REPLACE_EXISTING);
            path.toFile().deleteOnExit();
            EXTRACTED.put(name, path);
            return path;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + resource, e);
        }
    }
}
