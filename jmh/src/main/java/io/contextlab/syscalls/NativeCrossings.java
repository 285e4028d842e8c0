package io.contextlab.syscalls;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/*
 * Claim tested: what it costs Java to reach native code, one crossing per operation, by each path
 * the JVM offers — FFM (plain, and Linker.Option.critical which skips the thread-state
 * transition), jnr-ffi (with and without errno saving), and JNI — first into a C function that
 * does nothing, then into getpid(2), which enters the kernel (glibc stopped caching it in 2.25).
 * getpid minus empty is the syscall; empty minus the Java baseline is the crossing.
 *
 * Pitfalls avoided: every result is returned to JMH (no dead code); the downcall handles are
 * static finals, so C2 sees constants as a real caller's would; the Java baseline is a method
 * that is never inlined, so it costs one real call and nothing less.
 *
 * Run: scripts/lab bench 'syscalls.NativeCrossings'
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class NativeCrossings {

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    private static long javaEmpty() {
        return 42;
    }

    @Benchmark
    public long baselineJavaCall() {
        return javaEmpty();
    }

    @Benchmark
    public long emptyFfm() {
        return Crossings.empty();
    }

    @Benchmark
    public long emptyFfmCritical() {
        return Crossings.emptyCritical();
    }

    @Benchmark
    public long emptyJnr() {
        return CrossingsJnr.LIBRARY.cl_crossing_empty();
    }

    @Benchmark
    public long emptyJnrIgnoreError() {
        return CrossingsJnr.LIBRARY_IGNORING_ERRNO.cl_crossing_empty();
    }

    @Benchmark
    public long emptyJni() {
        return CrossingsJni.empty();
    }

    @Benchmark
    public int getpidFfm() {
        return Crossings.getpid();
    }

    @Benchmark
    public int getpidFfmCritical() {
        return Crossings.getpidCritical();
    }

    @Benchmark
    public int getpidJnr() {
        return CrossingsJnr.LIBRARY.getpid();
    }

    @Benchmark
    public int getpidJnrIgnoreError() {
        return CrossingsJnr.LIBRARY_IGNORING_ERRNO.getpid();
    }

    @Benchmark
    public int getpidJni() {
        return CrossingsJni.getpid();
    }
}
