package io.contextlab.switches;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.contextlab.natives.NativeLibrary;
import io.contextlab.natives.SyscallCounter;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * Bindings to the C coroutines: generator.c (switch-case generator), protothread_locals.c (a
 * switch-case protothread checking a local across its yields), setjmp_switch.c,
 * ucontext_switch.c and asm_switch.c/.S. Every loop runs n round trips inside C (2n one-way
 * switches) and returns the coroutine's resume count, so callers can check it and the JIT cannot
 * drop the call. A coroutine handle is a native pointer; free it with the matching method.
 */
public final class Coroutines {
    /** The C mechanisms with a stackful coroutine handle, named as in the benchmarks. */
    public enum Stackful {
        SETJMP("cl_setjmp"), SIGSETJMP_SAVING_MASK("cl_setjmp"), UCONTEXT("cl_ucontext"),
        /** asm_switch.S resuming the other side with ret. */
        ASM("cl_asm"),
        /** asm_switch.S resuming the other side with pop + indirect jmp. */
        ASM_JMP("cl_asm");

        final String prefix;

        Stackful(String prefix) {
            this.prefix = prefix;
        }
    }

    private static final MethodHandle GENERATOR_LOOP = NativeLibrary.downcall("cl_generator_loop",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
    private static final MethodHandle GENERATOR_COLLECT = NativeLibrary.downcall("cl_generator_collect",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG));
    private static final MethodHandle GENERATOR_VALUE_AFTER_YIELD = NativeLibrary.downcall("cl_generator_value_after_yield",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
    private static final MethodHandle PT_LOCALS_SIZE = NativeLibrary.downcall("cl_pt_locals_size", FunctionDescriptor.of(JAVA_LONG));
    private static final MethodHandle PT_LOCALS_LOOP = NativeLibrary.downcall("cl_pt_locals_loop",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG));
    private static final MethodHandle PT_LOCALS_PRESERVED = NativeLibrary.downcall("cl_pt_locals_preserved",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS));

    private static final FunctionDescriptor PINGPONG = FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG);
    private static final FunctionDescriptor FREE = FunctionDescriptor.ofVoid(ADDRESS);

    private static final MethodHandle SETJMP_NEW = NativeLibrary.downcall("cl_setjmp_new", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle SETJMP_PINGPONG = NativeLibrary.downcall("cl_setjmp_pingpong", PINGPONG);
    private static final MethodHandle SETJMP_FREE = NativeLibrary.downcall("cl_setjmp_free", FREE);
    private static final MethodHandle SETJMP_INTERLEAVE = NativeLibrary.downcall("cl_setjmp_interleave",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS));

    private static final MethodHandle UCONTEXT_NEW = NativeLibrary.downcall("cl_ucontext_new", FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle UCONTEXT_PINGPONG = NativeLibrary.downcall("cl_ucontext_pingpong", PINGPONG);
    private static final MethodHandle UCONTEXT_FREE = NativeLibrary.downcall("cl_ucontext_free", FREE);
    private static final MethodHandle UCONTEXT_INTERLEAVE = NativeLibrary.downcall("cl_ucontext_interleave",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS));

    private static final MethodHandle ASM_NEW = NativeLibrary.downcall("cl_asm_new", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle ASM_PINGPONG = NativeLibrary.downcall("cl_asm_pingpong", PINGPONG);
    private static final MethodHandle ASM_FREE = NativeLibrary.downcall("cl_asm_free", FREE);
    private static final MethodHandle ASM_INTERLEAVE = NativeLibrary.downcall("cl_asm_interleave",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS));
    private static final MethodHandle ASM_PROBE = NativeLibrary.downcall("cl_asm_probe", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    private Coroutines() {}

    /** n resumes of the C switch-case generator (each a resume and a yield); the sum of the values. */
    public static long generatorLoop(long n) {
        try { return (long) GENERATOR_LOOP.invokeExact(n); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /**
     * A C switch-case generator sets 42 before a yield and yields it again after: in a local
     * variable (keepInStruct false) or in its struct. The value it yields after the yield.
     */
    public static long generatorValueAfterYield(boolean keepInStruct) {
        try { return (long) GENERATOR_VALUE_AFTER_YIELD.invokeExact(keepInStruct ? 1 : 0); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /**
     * A protothread of protothread_locals.c, not started: its struct, zeroed, in the arena (it
     * lives as long as the arena).
     */
    public static MemorySegment protothreadWithLocal(Arena arena) {
        try {
            return arena.allocate((long) PT_LOCALS_SIZE.invokeExact(), Long.BYTES);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** n resumes of that protothread (each a resume and a yield); the checks it has made so far (one per resume after its first). */
    public static long protothreadLocalLoop(MemorySegment protothread, long n) {
        try { return (long) PT_LOCALS_LOOP.invokeExact(protothread, n); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /** Of those checks, how many found the automatic local still holding its value from before the yield. */
    public static long protothreadLocalsPreserved(MemorySegment protothread) {
        try { return (long) PT_LOCALS_PRESERVED.invokeExact(protothread); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /** Every value the C generator yields when counting to limit (at most max of them). */
    public static long[] generatorCollect(long limit, int max) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG, max);
            long count = (long) GENERATOR_COLLECT.invokeExact(limit, out, (long) max);
            return out.asSlice(0, count * Long.BYTES).toArray(JAVA_LONG);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** A coroutine that, on every resume, counts and switches straight back. */
    public static MemorySegment create(Stackful kind) {
        try {
            MemorySegment handle = switch (kind) {
                case SETJMP -> (MemorySegment) SETJMP_NEW.invokeExact(0);
                case SIGSETJMP_SAVING_MASK -> (MemorySegment) SETJMP_NEW.invokeExact(1);
                case UCONTEXT -> (MemorySegment) UCONTEXT_NEW.invokeExact();
                case ASM -> (MemorySegment) ASM_NEW.invokeExact(0);
                case ASM_JMP -> (MemorySegment) ASM_NEW.invokeExact(1);
            };
            if (handle.equals(MemorySegment.NULL)) throw new OutOfMemoryError("cannot map a coroutine stack for " + kind);
            return handle;
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** n round trips between the caller and the coroutine; the coroutine's total resume count. */
    public static long pingPong(Stackful kind, MemorySegment coroutine, long n) {
        try {
            return switch (kind) {
                case SETJMP, SIGSETJMP_SAVING_MASK -> (long) SETJMP_PINGPONG.invokeExact(coroutine, n);
                case UCONTEXT -> (long) UCONTEXT_PINGPONG.invokeExact(coroutine, n);
                case ASM, ASM_JMP -> (long) ASM_PINGPONG.invokeExact(coroutine, n);
            };
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    public static void free(Stackful kind, MemorySegment coroutine) {
        try {
            switch (kind) {
                case SETJMP, SIGSETJMP_SAVING_MASK -> SETJMP_FREE.invokeExact(coroutine);
                case UCONTEXT -> UCONTEXT_FREE.invokeExact(coroutine);
                case ASM, ASM_JMP -> ASM_FREE.invokeExact(coroutine);
            }
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** The address of kind's ping-pong loop, for SyscallCounter. */
    public static MemorySegment pingPongSymbol(Stackful kind) {
        return NativeLibrary.symbol(kind.prefix + "_pingpong");
    }

    /**
     * What coroutine_check.h sees: caller and coroutine, each {@code depth} frames deep, alternate
     * {@code rounds} times.
     *
     * @param trace   the order in which they ran, 'A' for the caller and 'B' for the coroutine
     * @param corrupt frames whose locals changed across a switch (0 = pass), -1 if the
     *                coroutine never finished
     */
    public record Interleaving(String trace, long corrupt) {}

    public static Interleaving interleave(Stackful kind, int rounds, int depth) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment trace = arena.allocate(2L * rounds + 1);
            long result = switch (kind) {
                case SETJMP -> (long) SETJMP_INTERLEAVE.invokeExact(0, (long) rounds, depth, trace);
                case SIGSETJMP_SAVING_MASK -> (long) SETJMP_INTERLEAVE.invokeExact(1, (long) rounds, depth, trace);
                case UCONTEXT -> (long) UCONTEXT_INTERLEAVE.invokeExact((long) rounds, depth, trace);
                case ASM, ASM_JMP -> (long) ASM_INTERLEAVE.invokeExact((long) rounds, depth, trace);
            };
            return new Interleaving(trace.getString(0, StandardCharsets.US_ASCII), result);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /**
     * asm_switch.S's probe, {@code rounds} times against a coroutine that clobbers every
     * callee-saved register, MXCSR and the x87 control word. A bit mask of what did not survive:
     * bit 0 rbx, 1 rbp, 2 r12, 3 r13, 4 r14, 5 r15, 6 MXCSR, 7 x87 control word; 0 = all did.
     * kind: ASM or ASM_JMP, the switch the probe calls.
     */
    public static int asmProbeCalleeSaved(Stackful kind, int rounds) {
        if (kind != Stackful.ASM && kind != Stackful.ASM_JMP) throw new IllegalArgumentException("the probe is for ASM and ASM_JMP, not " + kind);
        try { return (int) ASM_PROBE.invokeExact(rounds, kind == Stackful.ASM_JMP ? 1 : 0); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }
}
