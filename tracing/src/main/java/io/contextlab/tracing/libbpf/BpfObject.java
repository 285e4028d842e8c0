package io.contextlab.tracing.libbpf;

import jnr.ffi.Pointer;
import jnr.ffi.byref.NativeLongByReference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A BPF object file: opened, its read-only knobs set, loaded (verified) into the kernel, its
 * programs and maps found by name. Closing it unloads everything, links made from its
 * programs included (close those first: {@link #close()} does not know them).
 */
public final class BpfObject implements AutoCloseable {
    private Pointer obj;
    private final Path path;
    private boolean loaded;

    private BpfObject(Pointer obj, Path path) {
        this.obj = obj;
        this.path = path;
    }

    public static BpfObject open(Path path) {
        if (!Files.isReadable(path)) throw new BpfException("no BPF object at " + path, 2);
        Pointer obj = Libbpf.api().bpf_object__open_file(path.toString(), null);
        if (obj == null) throw BpfException.of("opening " + path, Libbpf.lastErrno());
        return new BpfObject(obj, path);
    }

    /**
     * Writes bytes at the start of the object's .rodata (its const volatile globals) before load:
     * libbpf-tools sets knobs the same way through the skeleton.
     */
    public void setReadOnlyData(byte[] data) {
        if (loaded) throw new IllegalStateException(".rodata is frozen once " + path.getFileName() + " is loaded");
        Pointer map = Libbpf.api().bpf_object__find_map_by_name(handle(), ".rodata");
        if (map == null) throw new BpfException(path.getFileName() + " has no .rodata (no const volatile globals)", 2);
        var size = new NativeLongByReference();
        Pointer area = Libbpf.api().bpf_map__initial_value(map, size);
        if (area == null || size.longValue() < data.length) {
            throw new BpfException(path.getFileName() + ": .rodata holds " + size.longValue() + " bytes, not " + data.length, 22);
        }
        area.put(0, data, 0, data.length);
    }

    public void load() {
        Libbpf.clearLog();
        int rc = Libbpf.api().bpf_object__load(handle());
        if (rc < 0) {
            List<String> log = Libbpf.recentLog();
            String tail = log.isEmpty() ? "" : "; libbpf said: " + String.join(" | ", log.subList(Math.max(0, log.size() - 4), log.size()));
            var cause = BpfException.of("loading " + path.getFileName(), rc);
            throw new BpfException(cause.getMessage() + tail, cause.errno());
        }
        loaded = true;
    }

    public BpfProgram program(String name) {
        Pointer prog = Libbpf.api().bpf_object__find_program_by_name(handle(), name);
        if (prog == null) throw new BpfException(path.getFileName() + " has no program " + name, 2);
        return new BpfProgram(prog);
    }

    public List<BpfProgram> programs() {
        List<BpfProgram> all = new ArrayList<>();
        Pointer prog = null;
        while ((prog = Libbpf.api().bpf_object__next_program(handle(), prog)) != null) {
            all.add(new BpfProgram(prog));
        }
        return all;
    }

    public BpfMap map(String name) {
        if (!loaded) throw new IllegalStateException("load " + path.getFileName() + " before reading its maps");
        Pointer map = Libbpf.api().bpf_object__find_map_by_name(handle(), name);
        if (map == null) throw new BpfException(path.getFileName() + " has no map " + name, 2);
        return new BpfMap(map);
    }

    private Pointer handle() {
        if (obj == null) throw new IllegalStateException(path.getFileName() + " is closed");
        return obj;
    }

    @Override
    public void close() {
        if (obj != null) {
            Libbpf.api().bpf_object__close(obj);
            obj = null;
        }
    }
}
