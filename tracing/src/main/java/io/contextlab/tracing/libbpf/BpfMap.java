package io.contextlab.tracing.libbpf;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One map of a loaded {@link BpfObject} (owned by it). Keys and values cross as little-endian
 * byte arrays; the probes decode them into the records that mirror contextlab_trace.h. A per-CPU
 * map's value is one slot per possible CPU, each rounded up to 8 bytes, as the kernel lays it out.
 */
public final class BpfMap {
    private static final int HASH = 1, ARRAY = 2, PERCPU_HASH = 5, PERCPU_ARRAY = 6, LRU_PERCPU_HASH = 10;
    private static final int ENOENT = 2;

    private final String name;
    private final int fd;
    private final int type;
    private final int keySize;
    private final int valueSize;
    private final int maxEntries;
    private final int cpus;

    BpfMap(MemorySegment map) {
        long m = map.address();
        this.name = Libbpf.string(Libbpf.MAP_NAME.call(m));
        this.fd = (int) Libbpf.MAP_FD.call(m);
        this.type = (int) Libbpf.MAP_TYPE.call(m);
        this.keySize = (int) Libbpf.MAP_KEY_SIZE.call(m);
        this.valueSize = (int) Libbpf.MAP_VALUE_SIZE.call(m);
        this.maxEntries = (int) Libbpf.MAP_MAX_ENTRIES.call(m);
        this.cpus = isPerCpu() ? Libbpf.possibleCpus() : 1;
        if (fd < 0) throw new BpfException("map " + name + " has no fd: load its object first", 0);
    }

    private BpfMap(int fd, String name, int type, int keySize, int valueSize, int maxEntries) {
        this.name = name;
        this.fd = fd;
        this.type = type;
        this.keySize = keySize;
        this.valueSize = valueSize;
        this.maxEntries = maxEntries;
        this.cpus = isPerCpu() ? Libbpf.possibleCpus() : 1;
    }

    /** struct bpf_map_info (uapi linux/bpf.h): type, id, key_size, value_size, max_entries, map_flags, name[16]. */
    private static final int MAP_INFO_SIZE = 88, TYPE = 0, KEY_SIZE = 8, VALUE_SIZE = 12, MAX_ENTRIES = 16, NAME = 24, NAME_LEN = 16;

    /**
     * A map known by an fd this process holds (from {@link Pinned#get}), its shape asked of the
     * kernel. The fd stays the caller's: close it with {@link Libbpf#closeFd(int)}.
     */
    public static BpfMap ofFd(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(MAP_INFO_SIZE, 8);   // zeroed
            MemorySegment len = arena.allocate(java.lang.foreign.ValueLayout.JAVA_INT);
            len.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, MAP_INFO_SIZE);
            int rc = (int) Libbpf.OBJ_GET_INFO_BY_FD.call(fd, info.address(), len.address());
            if (rc < 0) throw BpfException.of("map fd " + fd + ": bpf_obj_get_info_by_fd", rc);
            byte[] raw = new byte[NAME_LEN];
            MemorySegment.copy(info, JAVA_BYTE, NAME, raw, 0, NAME_LEN);
            int end = 0;
            while (end < NAME_LEN && raw[end] != 0) end++;
            var i = java.lang.foreign.ValueLayout.JAVA_INT;
            return new BpfMap(fd, new String(raw, 0, end, java.nio.charset.StandardCharsets.UTF_8), info.get(i, TYPE),
                    info.get(i, KEY_SIZE), info.get(i, VALUE_SIZE), info.get(i, MAX_ENTRIES));
        }
    }

    /** The map's fd (owned by its object, or by whoever called {@link #ofFd}). */
    public int fd() { return fd; }

    public String name() { return name; }
    public int keySize() { return keySize; }
    public int valueSize() { return valueSize; }
    public int maxEntries() { return maxEntries; }

    public boolean isPerCpu() {
        return type == PERCPU_HASH || type == PERCPU_ARRAY || type == LRU_PERCPU_HASH;
    }

    public boolean isArray() {
        return type == ARRAY || type == PERCPU_ARRAY;
    }

    /** Bytes a lookup returns: valueSize, or one 8-byte-aligned slot per possible CPU. */
    public int lookupSize() {
        return isPerCpu() ? perCpuStride() * cpus : valueSize;
    }

    private int perCpuStride() {
        return (valueSize + 7) & ~7;
    }

    /** The value at key, or null when the key is absent. */
    public byte[] lookup(byte[] key) {
        checkKey(key);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = copy(arena, key);
            MemorySegment v = allocate(arena, lookupSize());
            int rc = (int) Libbpf.MAP_LOOKUP_ELEM.call(fd, k.address(), v.address());
            if (rc == -ENOENT) return null;
            if (rc < 0) throw BpfException.of("lookup in map " + name, rc);
            byte[] out = new byte[lookupSize()];
            MemorySegment.copy(v, JAVA_BYTE, 0, out, 0, out.length);
            return out;
        }
    }

    public byte[] lookup(int key) {
        return lookup(intKey(key));
    }

    /** A per-CPU map's value at key, one little-endian buffer of valueSize bytes per CPU. */
    public List<ByteBuffer> lookupPerCpu(int key) {
        if (!isPerCpu()) throw new IllegalStateException(name + " is not a per-CPU map");
        byte[] all = lookup(key);
        List<ByteBuffer> slots = new ArrayList<>(cpus);
        int stride = perCpuStride();
        for (int cpu = 0; cpu < cpus; cpu++) {
            slots.add(all == null ? ByteBuffer.allocate(valueSize).order(ByteOrder.LITTLE_ENDIAN)
                    : ByteBuffer.wrap(all, cpu * stride, valueSize).slice().order(ByteOrder.LITTLE_ENDIAN));
        }
        return slots;
    }

    public void update(byte[] key, byte[] value) {
        checkKey(key);
        if (value.length != lookupSize()) {
            throw new IllegalArgumentException(name + ": value of " + value.length + " bytes, map wants " + lookupSize());
        }
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) Libbpf.MAP_UPDATE_ELEM.call(fd, copy(arena, key).address(), copy(arena, value).address(), 0L);
            if (rc < 0) throw BpfException.of("update in map " + name, rc);
        }
    }

    /** Deletes key; false when it was absent. */
    public boolean delete(byte[] key) {
        checkKey(key);
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) Libbpf.MAP_DELETE_ELEM.call(fd, copy(arena, key).address());
            if (rc == -ENOENT) return false;
            if (rc < 0) throw BpfException.of("delete in map " + name, rc);
            return true;
        }
    }

    /** Every key present now (a hash map changing under us may skip or repeat one: fine for counters). */
    public List<byte[]> keys() {
        List<byte[]> keys = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment prev = MemorySegment.NULL;
            MemorySegment next = allocate(arena, keySize);
            MemorySegment last = allocate(arena, keySize);
            while (true) {
                int rc = (int) Libbpf.MAP_GET_NEXT_KEY.call(fd, prev.address(), next.address());
                if (rc == -ENOENT) break;
                if (rc < 0) throw BpfException.of("iterating map " + name, rc);
                byte[] key = new byte[keySize];
                MemorySegment.copy(next, JAVA_BYTE, 0, key, 0, keySize);
                keys.add(key);
                last.copyFrom(next);
                prev = last;
                if (keys.size() > maxEntries) break;
            }
            return keys;
        }
    }

    /** Zeroes an array map's values, or deletes every key of a hash map. */
    public void clear() {
        if (isArray()) {
            byte[] zero = new byte[lookupSize()];
            for (int i = 0; i < maxEntries; i++) update(intKey(i), zero);
        } else {
            for (byte[] key : keys()) delete(key);
        }
    }

    public static byte[] intKey(int key) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(key).array();
    }

    private void checkKey(byte[] key) {
        if (key.length != keySize) {
            throw new IllegalArgumentException(name + ": key of " + key.length + " bytes, map wants " + keySize);
        }
    }

    private static MemorySegment allocate(Arena arena, int size) {
        return arena.allocate(Math.max(size, 1), 8);   // zeroed
    }

    private static MemorySegment copy(Arena arena, byte[] bytes) {
        MemorySegment p = allocate(arena, bytes.length);
        MemorySegment.copy(bytes, 0, p, JAVA_BYTE, 0, bytes.length);
        return p;
    }
}
