package io.contextlab.stacks;

import io.contextlab.platform.libc.Affinity;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
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
 * Claim (first article): creating and tearing down a process per client is expensive (the
 * fork-mode server), a thread much less so, and a coroutine almost nothing. Each benchmark
 * creates one context that does nothing, waits for it to end, and reaps it: the cost per op.
 *
 *   pthreadCreateJoin       pthread_create + pthread_join, looped in C (one crossing per 100)
 *   threadStartJoin         Java platform thread: Thread.start + join
 *   virtualThreadStartJoin  Thread.ofVirtual().start + join
 *   forkWait                fork (child _exits) + waitpid, from inside this JVM: fork copies
 *                           the page tables of every anonymous mapping the JVM touched, so its
 *                           cost grows with the parent's RSS; parentExtraMiB adds that much
 *                           touched anonymous memory to show it.
 *   vforkWait               vfork + waitpid: shares the address space, copies nothing; what fork
 *                           costs without the parent's size (a fork server forks from a small
 *                           process; crosscheck/spawn_costs.c measures fork there).
 *   posixSpawnWait          posix_spawn("/bin/true") + waitpid (glibc: clone(CLONE_VM|CLONE_VFORK)
 *                           + exec, so the exec and /bin/true's start-up dominate)
 *   processBuilderStartWaitFor  ProcessBuilder("/bin/true").start().waitFor(): the JDK on Linux
 *                           posix_spawns its jspawnhelper, which execs the command — two execs.
 *   baselineRunInline       the empty task run in place: what the spawned context itself does.
 *
 * Placement: the benchmark thread is pinned to CPU 0 (placement=oneCpu; children inherit the
 * mask, so parent and child share one CPU and every hand-off is a local wake-up) or left free
 * (placement=free; the scheduler may start the child on the other CPU, a cross-CPU wake-up that
 * costs tens of microseconds on this VM).
 *
 * Pitfalls avoided: every loop returns the number of contexts reaped cleanly (tests check that
 * none leak); the C loops amortise the Java->native crossing (@OperationsPerInvocation).
 *
 * What the reference VM says (quick run, busy machine): fork+waitpid from this JVM costs ~4.5 ms,
 * and ~50 ms with 1 GiB more touched in the parent (~0.17 us per resident 4 KiB page: fork
 * write-protects and reference-counts every one of them, and the child's exit drops them
 * again), against ~130 us from the small C process of io.contextlab.lab.references.StacksReference
 * (an info row of crosscheck.jsonl); vfork stays at tens of us either way.
 *
 * Why vfork from this JVM is dearer than from the small C process (December 2026, this 2-vCPU
 * VM; each variant alternated with the others, ABAB, under the machine's heavy-work lock):
 *  - Not the parent's resident size. vfork shares the mm and copies no page tables: a C parent
 *    that first maps and touches 1 GiB costs what the small one costs, pinned or not. Its number
 *    of mappings is another matter (below).
 *  - Not the JVM's thread count or open files, at the JVM's scale. A C parent with 20 sleeping
 *    threads (a JMH fork has about that many) costs the same; 200 threads cost a little more.
 *    Every open fd costs a vfork child something (copy_process copies the fd table, _exit closes
 *    every fd again): measurable with hundreds open, negligible for the handful a JMH fork has.
 *  - Unpinned (placement=free): where the scheduler starts the child. The child woken on the
 *    other, idle vCPU costs a cross-CPU wake-up each way, and from a JVM, whose other threads
 *    leave load on the parent's CPU, fork balancing picks the other CPU far more often (traced
 *    with sched:sched_wakeup_new and sched:sched_process_exit; see StacksReference). So the
 *    unpinned pair is the information row "vfork from a JVM", not a check.
 *  - Pinned (placement=oneCpu): the JVM's mappings. A vfork child borrows the parent's mm, and
 *    its _exit runs acct_collect (BSD process accounting, compiled in and run whether accounting
 *    is on or not), which walks every VMA of that mm. A JMH fork has a few hundred mappings, the
 *    small process a few dozen. Found with perf record -e cpu-clock on CPU 0 (mas_next_slot and
 *    acct_collect near the top of the JVM's profile only); a C parent given extra single-page
 *    mappings (crosscheck/spawn_costs.c parent-mappings) vforks dearer in step with their number.
 *    The 1 GiB parent above did not show it because one mapping is one VMA, however many pages it
 *    holds. So the judged pinned check's C parent has as many mappings as the fork, and the small
 *    process as it is is the information row "vfork from a JVM against a small C process". In the
 *    in-fork pairs that accounts for part of the gap (a third to a half in December 2026's runs);
 *    the rest is not explained: a cpu-clock profile of CPU 0 spreads it over the scheduler and the
 *    exit paths (finish_task_switch, __cond_resched, the tasklist lock), no function of its own.
 *
 * Run: scripts/lab bench 'stacks.SpawnCosts'
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class SpawnCosts {
    static final int THREAD_LOOP = 100;
    static final int PROCESS_LOOP = 10;
    private static final Runnable NOTHING = () -> {};
    private static final MemorySegment BIN_TRUE = Spawn.path("/bin/true");

    @Param({"oneCpu", "free"})
    public String placement;

    @Setup(Level.Trial)
    public void place() {
        if (placement.equals("oneCpu")) Affinity.pinCurrentThread(0);
    }

    @Benchmark
    public void baselineRunInline() {
        NOTHING.run();
    }

    @Benchmark
    @OperationsPerInvocation(THREAD_LOOP)
    public long pthreadCreateJoin() {
        return Spawn.pthreadCreateJoin(THREAD_LOOP);
    }

    @Benchmark
    public Thread threadStartJoin() throws InterruptedException {
        Thread t = new Thread(NOTHING);
        t.start();
        t.join();
        return t;
    }

    @Benchmark
    public Thread virtualThreadStartJoin() throws InterruptedException {
        Thread t = Thread.ofVirtual().start(NOTHING);
        t.join();
        return t;
    }

    @Benchmark
    @OperationsPerInvocation(PROCESS_LOOP)
    public long vforkWait() {
        return Spawn.vforkWait(PROCESS_LOOP);
    }

    @Benchmark
    @OperationsPerInvocation(PROCESS_LOOP)
    public long posixSpawnWait() {
        return Spawn.posixSpawnWait(BIN_TRUE, PROCESS_LOOP);
    }

    @Benchmark
    public int processBuilderStartWaitFor() throws IOException, InterruptedException {
        return new ProcessBuilder("/bin/true").start().waitFor();
    }

    /** The parent's extra touched anonymous memory for forkWait. */
    @State(Scope.Thread)
    public static class ForkParent {
        @Param({"0", "1024"})
        public long parentExtraMiB;

        MemorySegment extra;

        @Setup(Level.Trial)
        public void grow() {
            if (parentExtraMiB > 0) {
                extra = Faults.map(parentExtraMiB << 20, Faults.Mapping.FRESH);
                Faults.touchPages(extra, parentExtraMiB << 20);
            }
        }

        @TearDown(Level.Trial)
        public void shrink() {
            if (extra != null) Faults.unmap(extra, parentExtraMiB << 20);
        }
    }

    @Benchmark
    @OperationsPerInvocation(PROCESS_LOOP)
    public long forkWait(ForkParent parent) {
        return Spawn.forkWait(PROCESS_LOOP);
    }
}
