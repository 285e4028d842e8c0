package io.contextlab.stbench;

import io.contextlab.lab.FiguresProfiler;
import io.contextlab.natives.SyscallCounter;
import io.contextlab.st.NetFd;
import io.contextlab.st.Scheduler;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/*
 * Claim (second article): in State Threads, epoll is the only system call of the scheduler
 * itself — a switch is a setjmp/longjmp, and the kernel is entered only to wait for I/O.
 *
 * Measured: two coroutines of one runtime ping one byte back and forth over a loopback TCP
 * connection (the runtime's sockets: non-blocking, park on EAGAIN). One op = one ping (client
 * write, server read and write back, client read): each side parks once per ping, so two I/O
 * waits per op. The time is ns per ping; the point is the count. Per I/O wait the thread makes
 *   - the program's calls: the read that found nothing (EAGAIN), the read that then succeeds,
 *     and the peer's write that made it ready: 3;
 *   - the scheduler's: epoll_ctl re-arming the one-shot interest and the epoll wait in the idle
 *     step: 2, and nothing else (no futex, no signal mask, no timer).
 * Secondary metrics, counted once per trial outside the timed loop with the kernel's syscall
 * tracepoints on this thread (SyscallCounter.countJava): `syscallsPerIoWait` (syscalls per I/O
 * wait, I/O waits = the scheduler's blocking epoll waits, one per park here since the other
 * coroutine is parked too) and `syscallsPerPing`, each the slope between a fresh pair's run of
 * COUNTED pings and one of 3 x COUNTED (SyscallCounter.slope) (YieldSwitch.stRuntime's `syscallsPerSwitch` likewise, for
 * a switch without I/O). A single run's count includes the pair's set-up and tear-down (socket,
 * connect, accept, the runtime's epoll fd, the closes): spread over COUNTED pings it sat near
 * the claim's bound of extra calls a wait and crossed it in one of two runs of one morning,
 * though the scheduler made none; the slope leaves out what both runs share.
 *
 * Pitfalls avoided: the connection is made once per trial (not per op); counting never runs
 * while timing (an enabled syscall tracepoint slows every syscall); the byte is checked.
 *
 * Run: scripts/lab bench 'stbench.SocketPing'
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class SocketPing {
    static final int PINGS = 1_000;
    static final int COUNTED = 2_000;

    /** What a counted run saw: the scheduler's blocking epoll waits. */
    record Counted(long syscalls, long ioWaits) {}

    private Scheduler st;
    private NetFd client;
    private NetFd server;
    private double syscallsPerIoWait = Double.NaN;
    private double syscallsPerPing = Double.NaN;
    static long lastIoWaits;

    /** A runtime with a connected pair, made inside the runtime (connect and accept park). */
    static NetFd[] connect(Scheduler runtime) {
        NetFd listener = NetFd.listen(runtime, 0, 16, false);
        NetFd[] pair = new NetFd[2];
        runtime.spawn(() -> pair[1] = listener.accept());
        runtime.spawn(() -> pair[0] = NetFd.connect(runtime, listener.localPort()));
        runtime.run();
        listener.close();
        return pair;
    }

    /** n pings over the pair; returns the sum of the bytes echoed (n x 1). */
    static long ping(Scheduler runtime, NetFd client, NetFd server, long n) {
        long[] echoed = new long[1];
        runtime.spawn(() -> {
            byte[] b = new byte[1];
            for (long i = 0; i < n; i++) {
                if (server.read(b, 0, 1) != 1) throw new IllegalStateException("server: end of stream");
                server.write(b, 0, 1);
            }
        });
        runtime.spawn(() -> {
            byte[] b = {1};
            for (long i = 0; i < n; i++) {
                client.write(b, 0, 1);
                if (client.read(b, 0, 1) != 1) throw new IllegalStateException("client: end of stream");
                echoed[0] += b[0];
            }
        });
        runtime.run();
        return echoed[0];
    }

    /** n pings in a fresh runtime and pair; counts its blocking epoll waits into lastIoWaits. */
    static void pingInFreshRuntime(long n) {
        try (Scheduler runtime = new Scheduler()) {
            NetFd[] pair = connect(runtime);
            long before = runtime.idleWaits();
            ping(runtime, pair[0], pair[1], n);
            lastIoWaits = runtime.idleWaits() - before;
        }
    }

    @Setup(Level.Trial)
    public void open() {
        try {
            pingInFreshRuntime(COUNTED);  // classes loaded and the paths run before counting
            SyscallCounter.Slope slope = SyscallCounter.slope(SocketPing::pingInFreshRuntime, COUNTED, () -> lastIoWaits);
            syscallsPerPing = slope.perItem();
            syscallsPerIoWait = slope.perUnit();
        } catch (UnsupportedOperationException e) {
            System.err.println("syscallsPerIoWait will be NaN: " + e.getMessage());
        }
        st = new Scheduler();
        NetFd[] pair = connect(st);
        client = pair[0];
        server = pair[1];
    }

    @TearDown(Level.Iteration)
    public void report() {
        FiguresProfiler.record("syscallsPerIoWait", syscallsPerIoWait, "syscalls/wait");
        FiguresProfiler.record("syscallsPerPing", syscallsPerPing, "syscalls/ping");
    }

    @TearDown(Level.Trial)
    public void close() {
        st.close();
    }

    @Benchmark
    @OperationsPerInvocation(PINGS)
    public long stRuntime() {
        long echoed = ping(st, client, server, PINGS);
        if (echoed != PINGS) throw new IllegalStateException(echoed + " of " + PINGS + " bytes echoed");
        return echoed;
    }
}
