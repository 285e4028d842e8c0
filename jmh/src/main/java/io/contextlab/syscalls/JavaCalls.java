package io.contextlab.syscalls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/*
 * Claim tested: the "2 ns call" from the Java side, and what the JDK's own paths to the clock and
 * to the kernel cost: System.nanoTime() (an intrinsic over clock_gettime through the vDSO) and
 * FileChannel.read of one byte from /dev/zero (a read(2) behind the NIO machinery).
 *
 * Pitfalls avoided: the called method is DONT_INLINE, otherwise C2 folds it to nothing; its
 * argument comes from a non-final field, so the result cannot be constant-folded; every result
 * is returned to JMH.
 *
 * Run: scripts/lab bench 'syscalls.JavaCalls'
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class JavaCalls {
    private long x = 42;
    private FileChannel devZero;
    private final ByteBuffer oneByte = ByteBuffer.allocateDirect(1);

    @Setup(Level.Trial)
    public void open() throws IOException {
        devZero = FileChannel.open(Path.of("/dev/zero"), StandardOpenOption.READ);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        devZero.close();
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    private static long increment(long v) {
        return v + 1;
    }

    @Benchmark
    public long baselineField() {
        return x;
    }

    @Benchmark
    public long nonInlinedCall() {
        return increment(x);
    }

    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }

    @Benchmark
    public int fileChannelRead1Byte() throws IOException {
        oneByte.clear();
        return devZero.read(oneByte);
    }
}
