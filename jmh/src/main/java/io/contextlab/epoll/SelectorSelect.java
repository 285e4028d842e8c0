package io.contextlab.epoll;

import io.contextlab.platform.libc.Rlimit;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
 * Question (the first article's epoll claims, seen from Java): what does the JDK's Selector
 * (EPollSelectorImpl on Linux, level-triggered epoll underneath) add over the raw epoll_wait?
 *
 * Measured: channels = 1000 pipes registered for OP_READ, r of them with one unread byte (never
 * drained, so every select finds them ready). One op = one select:
 *   selectNow          selectNow(), walk selectedKeys() reading readyOps, clear() the set (what
 *                      a classic event loop does; without clear() the keys stay selected and
 *                      later selects report 0 "updated" keys)
 *   selectNowConsumer  selectNow(Consumer) (JDK 11): no selected-key set, one call per key
 *   rawEpollWait       epoll_wait (maxevents = channels) over as many LT eventfds, r ready,
 *                      in a C loop: the kernel's share, the rung Java is compared to
 * The difference is the JNI call, the translation of each event to its key (a lookup by fd),
 * readyOps updates and the HashSet of selected keys.
 *
 * Pitfall avoided: the Java side is one select per JMH call, so its figure includes ~1 ns of
 * JMH loop; the raw side loops in C (@OperationsPerInvocation) to drop the FFM crossing. Both
 * return a value built from every key/event.
 *
 * Run: scripts/lab bench 'epoll.SelectorSelect'
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class SelectorSelect {
    static final int ROUNDS = 64;

    /** Pipes registered with the selector (eventfds on the raw side). */
    @Param({"1000"})
    public int channels;

    /** Ready channels; "all" = channels. */
    @Param({"1", "10", "100", "all"})
    public String r;

    private Selector selector;
    private final List<Pipe> pipes = new ArrayList<>();
    private EpollSets.Set raw;
    private int ready;
    private long sink;

    @Setup(Level.Trial)
    public void open() throws IOException {
        Rlimit.raiseFdLimitToHard();
        ready = r.equals("all") ? channels : Integer.parseInt(r);
        selector = Selector.open();
        for (int i = 0; i < channels; i++) {
            Pipe pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            pipe.source().register(selector, SelectionKey.OP_READ);
            pipes.add(pipe);
        }
        for (int i = 0; i < ready; i++) pipes.get(i).sink().write(ByteBuffer.wrap(new byte[] {1}));
        raw = EpollSets.open(channels, 0, 0);
        EpollSets.makeReady(raw, ready);
        if (selectNow() != ready) throw new IllegalStateException("the selector does not see " + ready + " ready pipes");
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        selector.close();
        for (Pipe pipe : pipes) {
            pipe.source().close();
            pipe.sink().close();
        }
        raw.close();
    }

    @Benchmark
    public int selectNow() throws IOException {
        selector.selectNow();
        Set<SelectionKey> keys = selector.selectedKeys();
        int ops = 0;
        for (SelectionKey key : keys) ops += key.readyOps();
        keys.clear();
        return ops;
    }

    @Benchmark
    public long selectNowConsumer() throws IOException {
        sink = 0;
        selector.selectNow(key -> sink += key.readyOps());
        return sink;
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public long rawEpollWait() {
        return EpollSets.waitRounds(raw, ROUNDS, ready, channels);
    }
}
