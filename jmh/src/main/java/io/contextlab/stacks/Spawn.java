package io.contextlab.stacks;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.contextlab.natives.NativeLibrary;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** Binding to spawn.c: create-and-reap loops; each returns the number of contexts reaped cleanly. */
public final class Spawn {
    private static final FunctionDescriptor LOOP = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG);
    private static final MethodHandle PTHREAD = NativeLibrary.downcall("cl_spawn_pthread_join", LOOP);
    private static final MethodHandle FORK = NativeLibrary.downcall("cl_spawn_fork_wait", LOOP);
    private static final MethodHandle VFORK = NativeLibrary.downcall("cl_spawn_vfork_wait", LOOP);
    private static final MethodHandle POSIX_SPAWN = NativeLibrary.downcall("cl_spawn_posix_spawn_wait",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG));

    private Spawn() {}

    /** pthread_create + pthread_join, n times. */
    public static long pthreadCreateJoin(long n) {
        try { return (long) PTHREAD.invokeExact(n); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /** fork (the child _exits at once) + waitpid, n times. */
    public static long forkWait(long n) {
        try { return (long) FORK.invokeExact(n); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /** vfork (the child _exits at once) + waitpid, n times. */
    public static long vforkWait(long n) {
        try { return (long) VFORK.invokeExact(n); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /** A C string that lives as long as the JVM, for {@link #posixSpawnWait}. */
    public static MemorySegment path(String path) {
        return Arena.global().allocateFrom(path);
    }

    /** posix_spawn(path) + waitpid, n times. */
    public static long posixSpawnWait(MemorySegment path, long n) {
        try { return (long) POSIX_SPAWN.invokeExact(path, n); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }
}
