package io.contextlab.tracing.libbpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.contextlab.platform.libc.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The slice of Debian's libbpf1 (1.1) that ContextLab uses, bound through the JDK's FFM API
 * (java.lang.foreign). Only functions that exist in libbpf 1.1's ABI (checked with nm -D) appear
 * here; each downcall handle is made on its first use, so a JVM pays only for what it calls.
 * libbpf 1.x returns -errno from int functions and NULL with errno set from pointer functions:
 * both become {@link BpfException} in the wrapper classes, never here.
 */
public final class Libbpf {
    private static final int LIBBPF_WARN = 0;
    private static final int LOG_LINES = 40;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURED = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURED.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
    /** errno of the last call made through an errno-capturing function, per thread. */
    private static final ThreadLocal<int[]> LAST_ERRNO = ThreadLocal.withInitial(() -> new int[1]);

    /*
     * Every function is bound with one of two descriptors: (long, long, long, long) -> long, and
     * (long × 6) -> long with errno captured. On x86-64 SysV (the only target: TracingSupport
     * checks) an int, a pointer or a size_t argument travels in the same 64-bit register as a
     * long, a callee ignores the registers past its own arguments, and an int result is the low
     * half of rax (hence the (int) casts). The linker caches its work by descriptor, so two
     * descriptors cost two specializations per JVM, where one typed descriptor per signature cost
     * a class spin each in every JMH fork. Only the print hook's upcall and vsnprintf are typed.
     */
    static final Fn OPEN_FILE = Fn.e("bpf_object__open_file");
    static final Fn OBJECT_LOAD = Fn.of("bpf_object__load");
    static final Fn OBJECT_CLOSE = Fn.of("bpf_object__close");
    static final Fn FIND_PROGRAM = Fn.of("bpf_object__find_program_by_name");
    static final Fn FIND_MAP = Fn.of("bpf_object__find_map_by_name");
    static final Fn NEXT_PROGRAM = Fn.of("bpf_object__next_program");
    static final Fn PROGRAM_NAME = Fn.of("bpf_program__name");
    static final Fn PROGRAM_FD = Fn.of("bpf_program__fd");
    static final Fn PROGRAM_ATTACH = Fn.e("bpf_program__attach");
    static final Fn PROGRAM_ATTACH_PERF_EVENT = Fn.e("bpf_program__attach_perf_event");
    static final Fn LINK_FD = Fn.of("bpf_link__fd");
    static final Fn LINK_DESTROY = Fn.of("bpf_link__destroy");
    static final Fn MAP_NAME = Fn.of("bpf_map__name");
    static final Fn MAP_FD = Fn.of("bpf_map__fd");
    static final Fn MAP_TYPE = Fn.of("bpf_map__type");
    static final Fn MAP_KEY_SIZE = Fn.of("bpf_map__key_size");
    static final Fn MAP_VALUE_SIZE = Fn.of("bpf_map__value_size");
    static final Fn MAP_MAX_ENTRIES = Fn.of("bpf_map__max_entries");
    static final Fn MAP_INITIAL_VALUE = Fn.of("bpf_map__initial_value");
    static final Fn MAP_LOOKUP_ELEM = Fn.of("bpf_map_lookup_elem");
    static final Fn MAP_UPDATE_ELEM = Fn.of("bpf_map_update_elem");
    static final Fn MAP_DELETE_ELEM = Fn.of("bpf_map_delete_elem");
    static final Fn MAP_GET_NEXT_KEY = Fn.of("bpf_map_get_next_key");
    static final Fn OBJ_GET_INFO_BY_FD = Fn.of("bpf_obj_get_info_by_fd");
    static final Fn ENABLE_STATS = Fn.of("bpf_enable_stats");
    static final Fn STRERROR = Fn.of("libbpf_strerror");
    static final Fn NUM_POSSIBLE_CPUS = Fn.of("libbpf_num_possible_cpus");
    static final Fn MAJOR_VERSION = Fn.of("libbpf_major_version");
    static final Fn MINOR_VERSION = Fn.of("libbpf_minor_version");
    static final Fn SET_PRINT = Fn.of("libbpf_set_print");
    static final Fn OBJ_PIN = Fn.of("bpf_obj_pin");
    static final Fn OBJ_GET = Fn.of("bpf_obj_get");
    static final Fn RAW_TRACEPOINT_OPEN = Fn.of("bpf_raw_tracepoint_open");
    static final Fn LINK_CREATE = Fn.of("bpf_link_create");

    private static final List<Fn> ALL = List.of(OPEN_FILE, OBJECT_LOAD, OBJECT_CLOSE, FIND_PROGRAM, FIND_MAP, NEXT_PROGRAM,
            PROGRAM_NAME, PROGRAM_FD, PROGRAM_ATTACH, PROGRAM_ATTACH_PERF_EVENT, LINK_FD, LINK_DESTROY,
            MAP_NAME, MAP_FD, MAP_TYPE, MAP_KEY_SIZE, MAP_VALUE_SIZE, MAP_MAX_ENTRIES, MAP_INITIAL_VALUE,
            MAP_LOOKUP_ELEM, MAP_UPDATE_ELEM, MAP_DELETE_ELEM, MAP_GET_NEXT_KEY, OBJ_GET_INFO_BY_FD, ENABLE_STATS,
            STRERROR, NUM_POSSIBLE_CPUS, MAJOR_VERSION, MINOR_VERSION, SET_PRINT, OBJ_PIN, OBJ_GET, RAW_TRACEPOINT_OPEN,
            LINK_CREATE);

    private static final SymbolLookup LIBBPF;
    private static final String UNAVAILABLE;
    private static final Deque<String> LOG = new ArrayDeque<>();
    private static final boolean VERBOSE = Boolean.getBoolean("contextlab.bpf.verbose");
    /**
     * libbpf's print hook is an upcall stub, the dearest thing to make in a fresh JVM, so it is
     * installed only when its words are wanted: with -Dcontextlab.bpf.verbose=true, or when a
     * load fails (the load is then repeated once to hear why). Until then libbpf prints nothing.
     */
    private static volatile boolean printHooked;
    private static volatile boolean printSet;

    static {
        SymbolLookup lookup = null;
        String unavailable = null;
        try {
            lookup = SymbolLookup.libraryLookup("libbpf.so.1", Arena.global());
            // Every symbol resolved now (dlsym, cheap), so an older
            // libbpf is refused here, in one line, not at its first missing call.
            for (Fn fn : ALL) {
                if (lookup.find(fn.name).isEmpty()) throw new IllegalArgumentException(fn.name + " is not in libbpf.so.1");
            }
        } catch (RuntimeException | LinkageError e) {
            unavailable = "libbpf is not installed or not loadable (" + e.getMessage()
                    + "): install Debian's libbpf1 (apt-get install libbpf1)";
            lookup = null;
        }
        LIBBPF = lookup;
        UNAVAILABLE = unavailable;
    }

    private Libbpf() {}

    /** Why libbpf cannot be used here, or null when it can. */
    public static String unavailableReason() {
        return UNAVAILABLE;
    }

    static void require() {
        if (LIBBPF == null) throw new BpfException(UNAVAILABLE, 0);
    }

    private static final FunctionDescriptor LONGS = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
    /** The errno-capturing shape: six, the integer registers, so that syscall(2)'s six fit too. */
    private static final FunctionDescriptor SIX_LONGS = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);

    /** One native function: its downcall handle is made on first use, then kept. */
    static final class Fn {
        final String name;
        private final boolean errno;
        private final boolean libc;
        private volatile MethodHandle handle;

        private Fn(String name, boolean errno, boolean libc) {
            this.name = name;
            this.errno = errno;
            this.libc = libc;
        }

        static Fn of(String name) {
            return new Fn(name, false, false);
        }

        /** A function that sets errno: {@link #callE} captures it. */
        static Fn e(String name) {
            return new Fn(name, true, false);
        }

        /** A function of the C library with integer arguments, bound the same way. */
        static Fn libc(String name, boolean errno) {
            return new Fn(name, errno, true);
        }

        private MethodHandle h() {
            MethodHandle h = handle;
            if (h == null) {
                require();
                var symbol = (libc ? LINKER.defaultLookup() : LIBBPF).find(name)
                        .orElseThrow(() -> new BpfException(name + " is not in " + (libc ? "the C library" : "libbpf.so.1"), 38));
                h = errno ? LINKER.downcallHandle(symbol, SIX_LONGS, CAPTURE) : LINKER.downcallHandle(symbol, LONGS);
                handle = h;
            }
            return h;
        }

        long call() {
            return call(0, 0, 0, 0);
        }

        long call(long a) {
            return call(a, 0, 0, 0);
        }

        long call(long a, long b) {
            return call(a, b, 0, 0);
        }

        long call(long a, long b, long c) {
            return call(a, b, c, 0);
        }

        long call(long a, long b, long c, long d) {
            if (errno) throw new IllegalStateException(name + " captures errno: callE");
            try {
                return (long) h().invokeExact(a, b, c, d);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        /** The call, with the errno it leaves kept for {@link #lastErrno()}. */
        long callE(long a, long b) {
            return callE(a, b, 0, 0, 0, 0);
        }

        long callE(long a, long b, long c, long d, long e, long f) {
            if (!errno) throw new IllegalStateException(name + " does not capture errno: call");
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = arena.allocate(CAPTURED);
                long r = (long) h().invokeExact(state, a, b, c, d, e, f);
                LAST_ERRNO.get()[0] = (int) ERRNO.get(state, 0L);
                return r;
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }
    }

    /** A pointer a function returned, as a zero-length segment (NULL is address 0). */
    static MemorySegment ptr(long address) {
        return MemorySegment.ofAddress(address);
    }

    /** errno of the last call made through an errno-capturing function on this thread. */
    static int lastErrno() {
        return LAST_ERRNO.get()[0];
    }

    /** A NUL-terminated string libbpf owns; null for NULL. */
    static String string(long p) {
        return p == 0 ? null : MemorySegment.ofAddress(p).reinterpret(Integer.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
    }

    static boolean isNull(MemorySegment p) {
        return p == null || p.address() == 0;
    }

    static RuntimeException rethrow(Throwable t) {
        return Libc.rethrow(t);
    }

    private static int callInt(Fn fn) {
        return (int) fn.call();
    }

    static final Fn CLOSE = Fn.libc("close", false);
    /**
     * syscall(2) is variadic in its prototype, but glibc's is assembly that moves six registers
     * and never reads a va_list; FFM sets rax (the variadic vector count) on every SysV downcall.
     */
    static final Fn SYSCALL = Fn.libc("syscall", true);

    private static final class Vsnprintf {
        static final MethodHandle VSNPRINTF = Libc.downcall("vsnprintf", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
    }

    private static final int BPF_STATS_RUN_TIME = 0;

    /**
     * Turns on the kernel's per-program run-time accounting (what sysctl kernel.bpf_stats_enabled
     * does) for as long as the returned fd stays open: closing it, or the process dying, restores
     * the previous state. The caller closes it with {@link #closeFd(int)}.
     */
    public static int enableRunTimeStats() {
        int fd = (int) ENABLE_STATS.call(BPF_STATS_RUN_TIME);
        if (fd < 0) throw BpfException.of("bpf_enable_stats(BPF_STATS_RUN_TIME)", fd);
        return fd;
    }

    public static void closeFd(int fd) {
        CLOSE.call(fd);
    }

    public static String version() {
        return callInt(MAJOR_VERSION) + "." + callInt(MINOR_VERSION);
    }

    public static int possibleCpus() {
        int n = callInt(NUM_POSSIBLE_CPUS);
        if (n <= 0) throw BpfException.of("libbpf_num_possible_cpus", n);
        return n;
    }

    /** libbpf's text for an error code (libbpf has a few of its own beyond errno). */
    public static String strerror(int err) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256);
            STRERROR.call(Math.abs(err), buf.address(), buf.byteSize());
            return buf.getString(0, StandardCharsets.UTF_8);
        }
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

    /** Before libbpf's first words: silence (its default prints to stderr), or the hook when verbose. */
    static void setUpPrint() {
        if (printSet) return;
        synchronized (Libbpf.class) {
            if (printSet) return;
            if (VERBOSE) {
                hookPrint();
            } else {
                SET_PRINT.call(0);
            }
            printSet = true;
        }
    }

    static boolean printHooked() {
        return printHooked;
    }

    /** Installs libbpf's print hook (an upcall stub that lives as long as the JVM) once. */
    static void hookPrint() {
        synchronized (Libbpf.class) {
            if (printHooked) return;
            try {
                MethodHandle target = MethodHandles.lookup().findStatic(Libbpf.class, "print",
                        MethodType.methodType(int.class, int.class, MemorySegment.class, MemorySegment.class));
                MemorySegment stub = LINKER.upcallStub(target, FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), Arena.global());
                SET_PRINT.call(stub.address());
            } catch (Throwable t) {
                throw rethrow(t);
            }
            printHooked = true;
        }
    }

    /** libbpf's print hook: (enum libbpf_print_level, const char *fmt, va_list); va_list is a pointer on x86-64. */
    private static int print(int level, MemorySegment format, MemorySegment vaList) {
        if (level > LIBBPF_WARN && !VERBOSE) return 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(1024);
            int n = (int) Vsnprintf.VSNPRINTF.invokeExact(buf, buf.byteSize(), format, vaList);
            if (n < 0) return 0;
            String text = buf.getString(0, StandardCharsets.UTF_8).stripTrailing();
            if (VERBOSE) System.err.println(text);
            synchronized (LOG) {
                for (String line : text.split("\n")) {
                    if (LOG.size() == LOG_LINES) LOG.removeFirst();
                    LOG.addLast(line);
                }
            }
        } catch (Throwable t) {
            // An exception must not leave an upcall (the JVM would exit): the line is lost instead.
        }
        return 0;
    }
}
