package io.contextlab.lab.references;

import io.contextlab.lab.references.CrossCheck.Outside;
import io.contextlab.lab.references.CrossCheck.Reference;
import io.contextlab.lab.references.CrossCheck.Spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The syscall suite's outside reference: syscall_loop (jmh/src/main/c/crosscheck/syscall_loop.c),
 * an lmbench-style C loop over the same calls as SyscallLoops, timed once in a single-threaded
 * process (what lmbench reports; shown, not judged) and once with an idle second thread (the
 * JVM's condition: a shared fd table, so read/write lose fdget's fast path), held to 10 %. One
 * probe per call (syscall_loop CALLS call), run beside that call's benchmark.
 */
public final class SyscallsReference implements OutsideReference {
    static final String SUITE = "syscalls";
    /**
     * Calls per round, 11 rounds of each call in each process kind: a probe runs between two
     * JMH iterations, so about a tenth of a second for one call on a host whose kernel entry is
     * slow (mitigations under a hypervisor: a microsecond a call); the median of the 11 rounds is
     * the probe's figure.
     */
    static final long CALLS = 2_000;
    private static final String BENCH = "io.contextlab.syscalls.SyscallLoops.";
    /** Why the single-threaded rows are shown, not judged. */
    static final String SINGLE_THREADED = "what lmbench reports, from a single-threaded process; a JVM always has other"
            + " threads, which share its fd table and cost read/write fdget's single-threaded fast path, so the judged"
            + " row is the C loop with an idle second thread";
    /** The program's name of each call, its JMH benchmark and its label. */
    private static final Map<String, String[]> CALLS_BY_NAME = Map.of(
            "getppid", new String[] {"getppid", "getppid"},
            "read1", new String[] {"read1ByteDevZero", "read 1 byte /dev/zero"},
            "write1", new String[] {"write1ByteDevNull", "write 1 byte /dev/null"},
            "clock_gettime", new String[] {"clockGettimeVdso", "clock_gettime vDSO"});

    @Override
    public List<Probe> probes() {
        return List.of("getppid", "read1", "write1", "clock_gettime").stream()
                .map(call -> new Probe("syscall_loop " + call, true, context -> measure(context, call))).toList();
    }

    private static List<Outside> measure(ReferenceContext context, String call) {
        var program = context.builtProgram(SUITE, "syscall_loop");
        if (program.isEmpty()) return List.of();
        return context.run(SUITE, Duration.ofMinutes(1), List.of(program.get().toString(), Long.toString(CALLS), call))
                .map(out -> context.read(SUITE, "syscall_loop", out.stdout(), text -> parse(text, call)))
                .orElse(List.of());
    }

    /** syscall_loop's lines as outside figures ({@code call}: the one call it was asked for, in its command). */
    static List<Outside> parse(String stdout, String call) {
        List<Outside> out = new ArrayList<>();
        for (ProgramOutput line : ProgramOutput.parse(stdout)) {
            String[] names = CALLS_BY_NAME.get(line.name());
            if (names == null) throw new IllegalArgumentException("syscall_loop printed an unknown call: " + line.name());
            boolean multi = line.setting("threads").equals("2");
            Spec spec = new Spec(names[1] + (multi ? ", C loop with an idle second thread" : ", single-threaded C loop"),
                    BENCH + names[0], Map.of(), CrossCheck.PRIMARY, line.unit(), multi ? CrossCheck.TOLERANCE : null,
                    multi ? null : SINGLE_THREADED);
            String calls = line.setting("calls");
            out.add(new Outside(spec, new Reference("syscall_loop " + CALLS + " " + call,
                    "mean of " + line.samples().size() + " rounds of " + calls + " calls", line.mean(), line.samples())));
        }
        return out;
    }
}
