package io.contextlab.epoll;

import io.contextlab.platform.libc.Rlimit;
import java.io.IOException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/*
 * Question (the first article's "epoll_ctl is O(log n), paid per connection", seen from Java):
 * what does registering and cancelling a channel with the JDK Selector cost over epoll_ctl?
 *
 * The JDK defers both: register() and cancel() only queue the change, and the next select
 * performs it (epoll_ctl ADD, then DEL). So one op here is the full cycle
 *   jdkRegisterCancel   register(OP_READ) + selectNow() + cancel() + selectNow()
 *   rawAddWaitDelWait   EPOLL_CTL_ADD + epoll_wait + EPOLL_CTL_DEL + epoll_wait in C: the same
 *                       four kernel calls, against an epoll instance holding the same n fds
 * with channels = 1000 idle pipes (Java) / eventfds (raw) already registered and none ready.
 *
 * Pitfall avoided: a cycle without the selects would measure two queue operations and no
 * kernel work at all (and re-registering a cancelled, not yet deregistered key throws).
 *
 * Run: scripts/lab bench 'epoll.SelectorRegister'
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class SelectorRegister {
    static final int LOOP = 256;

    /** Pipes registered with the selector (eventfds on the raw side). */
    @Param({"1000"})
    public int channels;

    private Selector selector;
    private final List<Pipe> pipes = new ArrayList<>();
    private Pipe spare;
    private EpollSets.Set raw;

    @Setup(Level.Trial)
    public void open() throws IOException {
        Rlimit.raiseFdLimitToHard();
        selector = Selector.open();
        for (int i = 0; i < channels; i++) {
            Pipe pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            pipe.source().register(selector, SelectionKey.OP_READ);
            pipes.add(pipe);
        }
        spare = Pipe.open();
        spare.source().configureBlocking(false);
        raw = EpollSets.open(channels, 0, 1);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        selector.close();
        for (Pipe pipe : pipes) {
            pipe.source().close();
            pipe.sink().close();
        }
        spare.source().close();
        spare.sink().close();
        raw.close();
    }

    @Benchmark
    public int jdkRegisterCancel() throws IOException {
        SelectionKey key = spare.source().register(selector, SelectionKey.OP_READ);
        int selected = selector.selectNow();
        key.cancel();
        return selected + selector.selectNow();
    }

    @Benchmark
    @OperationsPerInvocation(LOOP)
    public long rawAddWaitDelWait() {
        return EpollSets.addWaitDelWait(raw, LOOP);
    }
}
