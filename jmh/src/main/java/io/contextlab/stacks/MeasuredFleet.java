package io.contextlab.stacks;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The measurement window shared by the fleet benchmarks (subclasses are the @State): the fork's
 * memory is read at the start of the trial, before each invocation (which starts a fleet of
 * threads and returns once all are parked), while the fleet is parked, and after the fleet was
 * released and joined. Set-up and tear-down are not timed.
 */
abstract class MeasuredFleet {
    private ProcessMemory atStart;
    private ProcessMemory before;

    /** Threads in one fleet. */
    abstract int threads();

    /** Wakes every thread of the fleet started by the invocation and joins it. */
    abstract void releaseFleet() throws InterruptedException;

    @Setup(Level.Trial)
    public void snapshotAtStart() {
        atStart = ProcessMemory.now();
    }

    @Setup(Level.Invocation)
    public void snapshotBefore() {
        before = ProcessMemory.now();
    }

    @TearDown(Level.Invocation)
    public void releaseAndRecord() throws InterruptedException {
        ProcessMemory parked = ProcessMemory.now();
        releaseFleet();
        ProcessMemory exited = ProcessMemory.now();
        ThreadFootprint.record(threads(), before, parked, exited);
        ThreadFootprint.recordHeldSinceStart(atStart, exited);
    }
}
