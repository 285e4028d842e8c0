package io.contextlab.platform.libc;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Non-blocking IPv4 TCP sockets straight from libc (socket, bind, listen, accept4, connect, read,
 * write, close), for the State Threads runtime (io.contextlab.st). Every call is one system call
 * and returns its result, or -errno when it fails (errno captured by FFM, never a thread-local
 * read after the fact), so a caller can tell EAGAIN (park on epoll) from a real error.
 * Besides, for set-up code: a blocking AF_UNIX socketpair and SO_RCVTIMEO (the epoll suite's
 * BlockingReadAfterWait reads a blocking socket whose reads end at a timeout).
 *
 * Why not java.nio's SocketChannel: its fd is reachable only through sun.nio.ch internals (or
 * java.io.FileDescriptor's private field), which would add --add-exports/--add-opens to every
 * fork, and its read/write go through the JDK's own bookkeeping (NativeThread registration,
 * locks) that is not what a one-thread runtime needs and would be measured with it.
 */
public final class Sockets {
    public static final int EAGAIN = 11;
    public static final int EINTR = 4;
    public static final int EINPROGRESS = 115;

    private static final int AF_UNIX = 1;
    private static final int AF_INET = 2;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_REUSEADDR = 2;
    private static final int SO_ERROR = 4;
    private static final int SO_REUSEPORT = 15;
    private static final int SO_RCVTIMEO = 20;
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_NODELAY = 1;
    private static final int LOOPBACK = 0x7f000001;

    /** struct sockaddr_in: family, port and address in network order, 8 bytes of padding. */
    private static final StructLayout SOCKADDR_IN = MemoryLayout.structLayout(
            JAVA_SHORT.withName("family"), JAVA_SHORT.withName("port"), JAVA_INT.withName("addr"),
            MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("zero"));
    private static final int SOCKADDR_IN_BYTES = (int) SOCKADDR_IN.byteSize();

    private static final StructLayout CAPTURED = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURED.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    private static final MethodHandle SOCKET = errnoCall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKETPAIR = errnoCall("socketpair",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SETSOCKOPT = errnoCall("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = errnoCall("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle BIND = errnoCall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = errnoCall("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle GETSOCKNAME = errnoCall("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle ACCEPT4 = errnoCall("accept4",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle CONNECT = errnoCall("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle READ = errnoCall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = errnoCall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle SHUTDOWN = errnoCall("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE = errnoCall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final int SHUT_WR = 1;

    private Sockets() {}

    private static MethodHandle errnoCall(String name, FunctionDescriptor descriptor) {
        // the captured-state segment becomes the handle's first parameter
        return Libc.downcall(name, descriptor, CAPTURE);
    }

    /**
     * The per-thread scratch memory the calls need: the captured errno, a sockaddr_in, an int
     * option value. One per runtime (a runtime is confined to one thread).
     */
    public static final class Scratch {
        final MemorySegment errno;
        final MemorySegment addr;
        final MemorySegment intValue;
        final MemorySegment length;

        public Scratch(Arena arena) {
            errno = arena.allocate(CAPTURED);
            addr = arena.allocate(SOCKADDR_IN);
            intValue = arena.allocate(JAVA_INT);
            length = arena.allocate(JAVA_INT);
        }

        int errno() {
            return (int) ERRNO.get(errno, 0L);
        }

        int fail(long rc) {
            return rc < 0 ? -errno() : (int) rc;
        }

        long failLong(long rc) {
            return rc < 0 ? -errno() : rc;
        }

        MemorySegment loopback(int port) {
            addr.fill((byte) 0);
            addr.set(JAVA_SHORT, 0, (short) AF_INET);
            addr.set(JAVA_SHORT, 2, Short.reverseBytes((short) port));
            addr.set(JAVA_INT, 4, Integer.reverseBytes(LOOPBACK));
            return addr;
        }
    }

    /** A non-blocking, close-on-exec TCP socket; returns the fd or -errno. */
    public static int socket(Scratch s) {
        try {
            return s.fail((int) SOCKET.invokeExact(s.errno, AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    private static int setIntOption(Scratch s, int fd, int level, int option, int value) {
        s.intValue.set(JAVA_INT, 0, value);
        try {
            return s.fail((int) SETSOCKOPT.invokeExact(s.errno, fd, level, option, s.intValue, 4));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * A listening socket on 127.0.0.1:port (0 = an ephemeral port), SO_REUSEADDR always and
     * SO_REUSEPORT when asked (one listener per runtime, the kernel spreading connections).
     * Returns the fd or -errno; on failure nothing stays open.
     */
    public static int listen(Scratch s, int port, int backlog, boolean reusePort) {
        int fd = socket(s);
        if (fd < 0) return fd;
        int rc = setIntOption(s, fd, SOL_SOCKET, SO_REUSEADDR, 1);
        if (rc == 0 && reusePort) rc = setIntOption(s, fd, SOL_SOCKET, SO_REUSEPORT, 1);
        try {
            if (rc == 0) rc = s.fail((int) BIND.invokeExact(s.errno, fd, s.loopback(port), SOCKADDR_IN_BYTES));
            if (rc == 0) rc = s.fail((int) LISTEN.invokeExact(s.errno, fd, backlog));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc < 0) {
            close(s, fd);
            return rc;
        }
        return fd;
    }

    /**
     * A connected pair of BLOCKING, close-on-exec AF_UNIX stream sockets (socketpair(2)); returns
     * 0 with the two fds in fds[0] and fds[1], or -errno. For set-up code (allocates).
     */
    public static int blockingUnixPair(Scratch s, int[] fds) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sv = arena.allocate(JAVA_INT, 2);
            int rc = s.fail((int) SOCKETPAIR.invokeExact(s.errno, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
            if (rc == 0) {
                fds[0] = sv.getAtIndex(JAVA_INT, 0);
                fds[1] = sv.getAtIndex(JAVA_INT, 1);
            }
            return rc;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * SO_RCVTIMEO: a blocking read on fd that finds no data returns -EAGAIN after this long
     * (rounded up by the kernel to its tick) instead of waiting for ever; micros &gt; 0. Returns
     * 0 or -errno. For set-up code (allocates).
     */
    public static int receiveTimeout(Scratch s, int fd, long micros) {
        if (micros <= 0) throw new IllegalArgumentException("a receive timeout must be positive (0 means none), not " + micros + " µs");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment timeval = arena.allocate(JAVA_LONG, 2);
            timeval.setAtIndex(JAVA_LONG, 0, micros / 1_000_000);
            timeval.setAtIndex(JAVA_LONG, 1, micros % 1_000_000);
            return s.fail((int) SETSOCKOPT.invokeExact(s.errno, fd, SOL_SOCKET, SO_RCVTIMEO, timeval, 16));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** The local port a socket is bound to, or -errno. */
    public static int localPort(Scratch s, int fd) {
        s.length.set(JAVA_INT, 0, SOCKADDR_IN_BYTES);
        try {
            int rc = s.fail((int) GETSOCKNAME.invokeExact(s.errno, fd, s.addr, s.length));
            return rc < 0 ? rc : Short.toUnsignedInt(Short.reverseBytes(s.addr.get(JAVA_SHORT, 2)));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** accept4 (non-blocking, close-on-exec, TCP_NODELAY set): the new fd, or -errno (-EAGAIN: none pending). */
    public static int accept(Scratch s, int listenFd) {
        try {
            int fd = s.fail((int) ACCEPT4.invokeExact(s.errno, listenFd, MemorySegment.NULL, MemorySegment.NULL,
                    SOCK_NONBLOCK | SOCK_CLOEXEC));
            if (fd >= 0) setIntOption(s, fd, IPPROTO_TCP, TCP_NODELAY, 1);
            return fd;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * Starts a connection to 127.0.0.1:port from a new non-blocking socket; returns the fd (its
     * connection is established, or in progress: wait for EPOLLOUT then ask {@link #pendingError})
     * or -errno, with nothing left open.
     */
    public static int connect(Scratch s, int port) {
        int fd = socket(s);
        if (fd < 0) return fd;
        setIntOption(s, fd, IPPROTO_TCP, TCP_NODELAY, 1);
        try {
            int rc = s.fail((int) CONNECT.invokeExact(s.errno, fd, s.loopback(port), SOCKADDR_IN_BYTES));
            if (rc < 0 && rc != -EINPROGRESS) {
                close(s, fd);
                return rc;
            }
            return fd;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** SO_ERROR: 0 once a non-blocking connect has succeeded, else its errno (as a positive value). */
    public static int pendingError(Scratch s, int fd) {
        s.length.set(JAVA_INT, 0, 4);
        try {
            int rc = s.fail((int) GETSOCKOPT.invokeExact(s.errno, fd, SOL_SOCKET, SO_ERROR, s.intValue, s.length));
            return rc < 0 ? -rc : s.intValue.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** read(2) into native memory: bytes read (0 = end of stream) or -errno. */
    public static long read(Scratch s, int fd, MemorySegment buffer, long length) {
        try {
            return s.failLong((long) READ.invokeExact(s.errno, fd, buffer, length));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** write(2) from native memory: bytes written or -errno. */
    public static long write(Scratch s, int fd, MemorySegment buffer, long length) {
        try {
            return s.failLong((long) WRITE.invokeExact(s.errno, fd, buffer, length));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** "Connection reset by peer (errno 104)". */
    public static String describe(int errno) {
        return Libc.strerror(errno) + " (errno " + errno + ")";
    }

    /** shutdown(fd, SHUT_WR): sends FIN, keeps reading possible; returns 0 or -errno. */
    public static int shutdownOutput(Scratch s, int fd) {
        try {
            return s.fail((int) SHUTDOWN.invokeExact(s.errno, fd, SHUT_WR));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** close(2); returns 0 or -errno. */
    public static int close(Scratch s, int fd) {
        try {
            return s.fail((int) CLOSE.invokeExact(s.errno, fd));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}
