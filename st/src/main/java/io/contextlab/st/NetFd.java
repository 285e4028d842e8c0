package io.contextlab.st;

import io.contextlab.platform.libc.Epoll;
import io.contextlab.platform.libc.Sockets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketTimeoutException;

/**
 * State Threads' st_netfd: a non-blocking TCP socket whose accept, connect, read and write look
 * blocking to the coroutine that calls them. Each tries the system call first; on EAGAIN the
 * coroutine parks in the scheduler's IOQ with a one-shot epoll interest (EPOLLIN or EPOLLOUT)
 * and retries when the run loop's epoll wait reports the fd — the other coroutines run meanwhile.
 *
 * Reads and writes take an optional timeout, as st_read and st_write do: the coroutine then waits
 * in IOQ and SLEEPQ at once, and a deadline that comes first fails the call with a
 * {@link SocketTimeoutException} (wrapped, as every failure here, in an UncheckedIOException).
 *
 * Bytes go through the scheduler's one native buffer (64 KiB): a read copies out of it and a
 * write into it before the next switch point, so one buffer serves every coroutine.
 * Loopback only (127.0.0.1): this runtime is a laboratory, not a network stack.
 */
public final class NetFd implements AutoCloseable {
    private final Scheduler scheduler;
    private final int fd;
    private boolean closed;

    private NetFd(Scheduler scheduler, int fd) {
        this.scheduler = scheduler;
        this.fd = fd;
        scheduler.open.add(this);
    }

    /** A listener on 127.0.0.1:port (0: an ephemeral port, see {@link #localPort}); SO_REUSEPORT when asked. */
    public static NetFd listen(Scheduler scheduler, int port, int backlog, boolean reusePort) {
        int fd = Sockets.listen(scheduler.sockets, port, backlog, reusePort);
        if (fd < 0) throw failure("listen on 127.0.0.1:" + port, fd);
        return new NetFd(scheduler, fd);
    }

    /** Connects to 127.0.0.1:port, parking the calling coroutine until the handshake is done. */
    public static NetFd connect(Scheduler scheduler, int port) {
        scheduler.current();
        int fd = Sockets.connect(scheduler.sockets, port);
        if (fd < 0) throw failure("connect to 127.0.0.1:" + port, fd);
        NetFd socket = new NetFd(scheduler, fd);
        scheduler.awaitFd(fd, Epoll.EPOLLOUT);
        int error = Sockets.pendingError(scheduler.sockets, fd);
        if (error != 0) {
            socket.close();
            throw failure("connect to 127.0.0.1:" + port, -error);
        }
        return socket;
    }

    public int fd() {
        return fd;
    }

    public int localPort() {
        int port = Sockets.localPort(scheduler.sockets, fd);
        if (port < 0) throw failure("getsockname", port);
        return port;
    }

    /** The next connection, parking until one arrives. */
    public NetFd accept() {
        for (;;) {
            checkOpen();
            int client = Sockets.accept(scheduler.sockets, fd);
            if (client >= 0) return new NetFd(scheduler, client);
            if (client != -Sockets.EAGAIN && client != -Sockets.EINTR) throw failure("accept", client);
            scheduler.awaitFd(fd, Epoll.EPOLLIN);
        }
    }

    /** Reads up to len bytes, parking until at least one is there; -1 at end of stream. */
    public int read(byte[] dst, int off, int len) {
        return read(dst, off, len, -1);
    }

    /**
     * As {@link #read(byte[], int, int)}, but fails with a SocketTimeoutException when no byte
     * has come within timeoutNanos (negative: no timeout).
     */
    public int read(byte[] dst, int off, int len, long timeoutNanos) {
        long deadline = deadline(timeoutNanos);
        MemorySegment buffer = scheduler.ioBuffer;
        long want = Math.min(len, buffer.byteSize());
        for (;;) {
            checkOpen();
            long n = Sockets.read(scheduler.sockets, fd, buffer, want);
            if (n > 0) {
                MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, dst, off, (int) n);
                return (int) n;
            }
            if (n == 0) return len == 0 ? 0 : -1;
            if (n != -Sockets.EAGAIN && n != -Sockets.EINTR) throw failure("read", (int) n);
            if (!scheduler.awaitFd(fd, Epoll.EPOLLIN, deadline)) throw timedOut("read", timeoutNanos);
        }
    }

    /** Writes all len bytes, parking whenever the socket's send buffer is full. */
    public void write(byte[] src, int off, int len) {
        write(src, off, len, -1);
    }

    /**
     * As {@link #write(byte[], int, int)}, but fails with a SocketTimeoutException when the
     * whole write has not gone within timeoutNanos (negative: no timeout) — the write timeout a
     * blocking java.net.Socket does not have.
     */
    public void write(byte[] src, int off, int len, long timeoutNanos) {
        long deadline = deadline(timeoutNanos);
        MemorySegment buffer = scheduler.ioBuffer;
        while (len > 0) {
            checkOpen();
            int chunk = (int) Math.min(len, buffer.byteSize());
            MemorySegment.copy(src, off, buffer, ValueLayout.JAVA_BYTE, 0, chunk);
            long n = Sockets.write(scheduler.sockets, fd, buffer, chunk);
            if (n > 0) {
                off += (int) n;
                len -= (int) n;
            } else if (n == -Sockets.EAGAIN || n == -Sockets.EINTR || n == 0) {
                if (!scheduler.awaitFd(fd, Epoll.EPOLLOUT, deadline)) throw timedOut("write", timeoutNanos);
            } else {
                throw failure("write", (int) n);
            }
        }
    }

    /** Sends FIN (shutdown SHUT_WR): the peer reads end of stream, and this side can still read. */
    public void shutdownOutput() {
        checkOpen();
        int rc = Sockets.shutdownOutput(scheduler.sockets, fd);
        if (rc < 0) throw failure("shutdown", rc);
    }

    private static long deadline(long timeoutNanos) {
        if (timeoutNanos < 0) return Scheduler.NO_DEADLINE;
        long deadline = System.nanoTime() + timeoutNanos;
        return deadline == Scheduler.NO_DEADLINE ? deadline + 1 : deadline;
    }

    private UncheckedIOException timedOut(String what, long timeoutNanos) {
        return new UncheckedIOException(new SocketTimeoutException(
                what + " on fd " + fd + " timed out after " + timeoutNanos / 1_000_000 + " ms"));
    }

    private void checkOpen() {
        if (closed) throw new UncheckedIOException(new IOException("socket fd " + fd + " is closed"));
    }

    /** Closes the socket; a coroutine parked on it wakes and its call fails. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        scheduler.forget(fd);
        scheduler.open.remove(this);
        Sockets.close(scheduler.sockets, fd);
    }

    private static UncheckedIOException failure(String what, long negativeErrno) {
        return new UncheckedIOException(new IOException(what + " failed: " + Sockets.describe((int) -negativeErrno)));
    }
}
