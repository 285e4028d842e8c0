package io.contextlab.natives;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

/** Binding to syscalls.c: loops that make n calls in C and return a value derived from all of them. */
public final class Syscalls {
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;

    private static final FunctionDescriptor LOOP = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG);
    private static final FunctionDescriptor FD_LOOP = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG);

    private static final MethodHandle LOOP_EMPTY = NativeLibrary.downcall("cl_loop_empty", LOOP);
    private static final MethodHandle LOOP_CALL = NativeLibrary.downcall("cl_loop_call", LOOP);
    private static final MethodHandle LOOP_GETPPID = NativeLibrary.downcall("cl_loop_getppid", LOOP);
    private static final MethodHandle LOOP_READ1 = NativeLibrary.downcall("cl_loop_read1", FD_LOOP);
    private static final MethodHandle LOOP_WRITE1 = NativeLibrary.downcall("cl_loop_write1", FD_LOOP);
    private static final MethodHandle LOOP_CLOCK = NativeLibrary.downcall("cl_loop_clock_gettime", LOOP);
    private static final MethodHandle OPEN = NativeLibrary.downcall("cl_open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle CLOSE = NativeLibrary.downcall("cl_close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private Syscalls() {}

    public static long loopEmpty(long n) {
        try { return (long) LOOP_EMPTY.invokeExact(n); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    public static long loopCall(long n) {
        try { return (long) LOOP_CALL.invokeExact(n); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /** Sum of n results of syscall(SYS_getppid). */
    public static long loopGetppid(long n) {
        try { return (long) LOOP_GETPPID.invokeExact(n); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /** Bytes read by n one-byte reads, or -1 on the first error. */
    public static long loopRead1(int fd, long n) {
        try { return (long) LOOP_READ1.invokeExact(fd, n); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /** Bytes written by n one-byte writes, or -1 on the first error. */
    public static long loopWrite1(int fd, long n) {
        try { return (long) LOOP_WRITE1.invokeExact(fd, n); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    public static long loopClockGettime(long n) {
        try { return (long) LOOP_CLOCK.invokeExact(n); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /** open(2) with O_CLOEXEC; returns the fd or throws with the path. */
    public static int open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(arena.allocateFrom(path), flags);
            if (fd < 0) throw new IllegalStateException("open " + path + " failed");
            return fd;
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    public static void close(int fd) {
        try { int ignored = (int) CLOSE.invokeExact(fd); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }
}
