package io.contextlab.tracing.libbpf;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
    private MemorySegment obj;
    private final Path path;
    private boolean loaded;
    private byte[] readOnlyData;

    private BpfObject(MemorySegment obj, Path path) {
        this.obj = obj;
        this.path = path;
    }

    public static BpfObject open(Path path) {
        if (!Files.isReadable(path)) throw new BpfException("no BPF object at " + path, 2);
        return new BpfObject(openHandle(path), path);
    }

    private static MemorySegment openHandle(Path path) {
        Libbpf.require();
        Libbpf.setUpPrint();
        MemorySegment obj;
        try (Arena arena = Arena.ofConfined()) {
            obj = Libbpf.ptr(Libbpf.OPEN_FILE.callE(arena.allocateFrom(path.toString()).address(), 0));
        }
        if (Libbpf.isNull(obj)) throw BpfException.of("opening " + path, Libbpf.lastErrno());
        return obj;
    }

    /**
     * Writes bytes at the start of the object's .rodata (its const volatile globals) before load:
     * libbpf-tools sets knobs the same way through the skeleton.
     */
    public void setReadOnlyData(byte[] data) {
        if (loaded) throw new IllegalStateException(".rodata is frozen once " + path.getFileName() + " is loaded");
        writeReadOnlyData(handle(), data);
        readOnlyData = data.clone();
    }

    private void writeReadOnlyData(MemorySegment obj, byte[] data) {
        MemorySegment map = findMap(obj, ".rodata");
        if (Libbpf.isNull(map)) throw new BpfException(path.getFileName() + " has no .rodata (no const volatile globals)", 2);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(JAVA_LONG);
            MemorySegment area = Libbpf.ptr(Libbpf.MAP_INITIAL_VALUE.call(map.address(), size.address()));
            long bytes = size.get(JAVA_LONG, 0);
            if (Libbpf.isNull(area) || bytes < data.length) {
                throw new BpfException(path.getFileName() + ": .rodata holds " + bytes + " bytes, not " + data.length, 22);
            }
            MemorySegment.copy(data, 0, area.reinterpret(bytes), java.lang.foreign.ValueLayout.JAVA_BYTE, 0, data.length);
        }
    }

    public void load() {
        Libbpf.clearLog();
        int rc = (int) Libbpf.OBJECT_LOAD.call(handle().address());
        if (rc < 0) {
            List<String> log = Libbpf.printHooked() ? Libbpf.recentLog() : logOfSecondLoad();
            String tail = log.isEmpty() ? "" : "; libbpf said: " + String.join(" | ", log.subList(Math.max(0, log.size() - 4), log.size()));
            var cause = BpfException.of("loading " + path.getFileName(), rc);
            throw new BpfException(cause.getMessage() + tail, cause.errno());
        }
        loaded = true;
    }

    /** libbpf's words on a failed load, heard by loading a second copy with the print hook installed. */
    private List<String> logOfSecondLoad() {
        MemorySegment second = null;
        try {
            Libbpf.hookPrint();
            Libbpf.clearLog();
            second = openHandle(path);
            if (readOnlyData != null) writeReadOnlyData(second, readOnlyData);
            Libbpf.OBJECT_LOAD.call(second.address());
            return Libbpf.recentLog();
        } catch (RuntimeException e) {
            return Libbpf.recentLog();
        } finally {
            if (second != null) closeHandle(second);
        }
    }

    public BpfProgram program(String name) {
        MemorySegment prog;
        try (Arena arena = Arena.ofConfined()) {
            prog = Libbpf.ptr(Libbpf.FIND_PROGRAM.call(handle().address(), arena.allocateFrom(name).address()));
        }
        if (Libbpf.isNull(prog)) throw new BpfException(path.getFileName() + " has no program " + name, 2);
        return new BpfProgram(prog);
    }

    public List<BpfProgram> programs() {
        List<BpfProgram> all = new ArrayList<>();
        long prog = 0;
        while ((prog = Libbpf.NEXT_PROGRAM.call(handle().address(), prog)) != 0) {
            all.add(new BpfProgram(Libbpf.ptr(prog)));
        }
        return all;
    }

    public BpfMap map(String name) {
        if (!loaded) throw new IllegalStateException("load " + path.getFileName() + " before reading its maps");
        MemorySegment map = findMap(handle(), name);
        if (Libbpf.isNull(map)) throw new BpfException(path.getFileName() + " has no map " + name, 2);
        return new BpfMap(map);
    }

    private static MemorySegment findMap(MemorySegment obj, String name) {
        try (Arena arena = Arena.ofConfined()) {
            return Libbpf.ptr(Libbpf.FIND_MAP.call(obj.address(), arena.allocateFrom(name).address()));
        }
    }

    private MemorySegment handle() {
        if (obj == null) throw new IllegalStateException(path.getFileName() + " is closed");
        return obj;
    }

    @Override
    public void close() {
        if (obj != null) {
            MemorySegment o = obj;
            obj = null;
            closeHandle(o);
        }
    }

    private static void closeHandle(MemorySegment obj) {
        Libbpf.OBJECT_CLOSE.call(obj.address());
    }
}
