package io.contextlab.tracing.libbpf;

import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.Delegate;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.byref.NativeLongByReference;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The slice of Debian's libbpf1 (1.1) that ContextLab uses, bound through jnr-ffi. Only
 * functions that exist in libbpf 1.1's ABI (checked with nm -D) appear here. libbpf 1.x
 * returns -errno from int functions and NULL with errno set from pointer functions: both
 * become {@link BpfException} in the wrapper classes, never here.
 */
public final class Libbpf {
    /** The functions, named as in libbpf.h / bpf.h. */
    public interface Api {
        @SaveError Pointer bpf_object__open_file(String path, Pointer opts);
        int bpf_object__load(Pointer obj);
        void bpf_object__close(Pointer obj);
        Pointer bpf_object__find_program_by_name(Pointer obj, String name);
        Pointer bpf_object__find_map_by_name(Pointer obj, String name);
        Pointer bpf_object__next_program(Pointer obj, Pointer prev);

        String bpf_program__name(Pointer prog);
        int bpf_program__fd(Pointer prog);
        @SaveError Pointer bpf_program__attach(Pointer prog);
        @SaveError Pointer bpf_program__attach_perf_event(Pointer prog, int perfEventFd);

        int bpf_link__fd(Pointer link);
        int bpf_link__destroy(Pointer link);

        String bpf_map__name(Pointer map);
        int bpf_map__fd(Pointer map);
        int bpf_map__type(Pointer map);
        int bpf_map__key_size(Pointer map);
        int bpf_map__value_size(Pointer map);
        int bpf_map__max_entries(Pointer map);
        Pointer bpf_map__initial_value(Pointer map, NativeLongByReference size);

        int bpf_map_lookup_elem(int fd, Pointer key, Pointer value);
        int bpf_map_update_elem(int fd, Pointer key, Pointer value, long flags);
        int bpf_map_delete_elem(int fd, Pointer key);
        int bpf_map_get_next_key(int fd, Pointer key, Pointer nextKey);

        int bpf_obj_get_info_by_fd(int fd, Pointer info, Pointer infoLen);
        int bpf_enable_stats(int type);

        int libbpf_strerror(int err, byte[] buf, long size);
        int libbpf_num_possible_cpus();
        int libbpf_major_version();
        int libbpf_minor_version();
        Pointer libbpf_set_print(PrintCallback callback);
    }

    /** libbpf's print hook: (enum libbpf_print_level, const char *fmt, va_list). */
    public interface PrintCallback {
        @Delegate int print(int level, Pointer format, Pointer vaList);
    }

    /** vsnprintf formats what libbpf hands the print hook; va_list is a pointer on x86-64. */
    public interface Libc {
        int vsnprintf(Pointer buffer, long size, Pointer format, Pointer vaList);
        @SaveError long syscall(long number, Pointer a1, long a2, long a3, long a4, long a5);
        int close(int fd);
    }

    private static final int LIBBPF_WARN = 0;
    private static final int LOG_LINES = 40;

    private static final Api API;
    private static final Libc LIBC;
    private static final Runtime RUNTIME;
    private static final String UNAVAILABLE;
    private static final Deque<String> LOG = new ArrayDeque<>();
    private static final boolean VERBOSE = Boolean.getBoolean("contextlab.bpf.verbose");
    // Held here so that the callback's native trampoline is never collected.
    private static final PrintCallback PRINT = Libbpf::print;

    static {
        Api api = null;
        Libc libc = null;
        String unavailable = null;
        try {
            api = LibraryLoader.create(Api.class).option(LibraryOption.LoadNow, true).failImmediately().load("libbpf.so.1");
            libc = LibraryLoader.create(Libc.class).failImmediately().load("c");
            api.libbpf_set_print(PRINT);
        } catch (LinkageError | RuntimeException e) {
            unavailable = "libbpf is not installed or not loadable (" + e.getMessage()
                    + "): install Debian's libbpf1 (apt-get install libbpf1)";
            api = null;
        }
        API = api;
        LIBC = libc;
        RUNTIME = api == null ? null : Runtime.getRuntime(api);
        UNAVAILABLE = unavailable;
    }

    private Libbpf() {}

    /** Why libbpf cannot be used here, or null when it can. */
    public static String unavailableReason() {
        return UNAVAILABLE;
    }

    static Api api() {
        if (API == null) throw new BpfException(UNAVAILABLE, 0);
        return API;
    }

    static Libc libc() {
        api();
        return LIBC;
    }

    static Runtime runtime() {
        api();
        return RUNTIME;
    }

    /** errno of the last call made through a @SaveError function on this thread. */
    static int lastErrno() {
        return RUNTIME.getLastError();
    }

    private static final int BPF_STATS_RUN_TIME = 0;

    /**
     * Turns on the kernel's per-program run-time accounting (what sysctl kernel.bpf_stats_enabled
     * does) for as long as the returned fd stays open: closing it, or the process dying, restores
     * the previous state. The caller closes it with {@link #closeFd(int)}.
     */
    public static int enableRunTimeStats() {
        int fd = api().bpf_enable_stats(BPF_STATS_RUN_TIME);
        if (fd < 0) throw BpfException.of("bpf_enable_stats(BPF_STATS_RUN_TIME)", fd);
        return fd;
    }

    public static void closeFd(int fd) {
        libc().close(fd);
    }

    public static String version() {
        return api().libbpf_major_version() + "." + api().libbpf_minor_version();
    }

    public static int possibleCpus() {
        int n = api().libbpf_num_possible_cpus();
        if (n <= 0) throw BpfException.of("libbpf_num_possible_cpus", n);
        return n;
    }

    /** libbpf's text for an error code (libbpf has a few of its own beyond errno). */
    public static String strerror(int err) {
        byte[] buf = new byte[256];
        api().libbpf_strerror(Math.abs(err), buf, buf.length);
        int len = 0;
        while (len < buf.length && buf[len] != 0) len++;
        return new String(buf, 0, len);
    }

    /** The last warnings libbpf printed (verifier log tails, relocation failures), oldest first. */
    public static List<String> recentLog() {
        synchronized (LOG) {
            return List.copyOf(LOG);
        }
    }

    static void clearLog() {
        synchronized (LOG) {
            LOG.clear();
        }
    }

    private static int print(int level, Pointer format, Pointer vaList) {
        if (level > LIBBPF_WARN && !VERBOSE) return 0;
        Pointer buf = Runtime.getSystemRuntime().getMemoryManager().allocateDirect(1024);
        int n = LIBC.vsnprintf(buf, 1024, format, vaList);
        String text = buf.getString(0, Math.max(0, Math.min(n, 1023)), java.nio.charset.StandardCharsets.UTF_8).stripTrailing();
        if (VERBOSE) System.err.println(text);
        synchronized (LOG) {
            for (String line : text.split("\n")) {
                if (LOG.size() == LOG_LINES) LOG.removeFirst();
                LOG.addLast(line);
            }
        }
        return 0;
    }
}
