package io.contextlab.lab.references;

import io.contextlab.lab.references.CrossCheck.Outside;
import io.contextlab.lab.references.CrossCheck.Reference;
import io.contextlab.lab.references.CrossCheck.Spec;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The uring suite's outside reference: uring_nop (jmh/src/main/c/crosscheck/uring_nop.c), batches
 * of N NOPs per io_uring_enter on the raw system calls (no liburing, no code shared with uring.c),
 * against NopBatching.nopPerEnter at the same n, held to 10 %.
 */
public final class UringReference implements OutsideReference {
    static final String SUITE = "uring";
    static final List<String> ARGS = List.of("131072", "1", "8", "64", "512");

    @Override
    public List<CrossCheck> run(ReferenceContext context) {
        return CrossCheck.joinAll(SUITE, measure(context), context);
    }

    @Override
    public List<Outside> measure(ReferenceContext context) {
        var program = context.builtProgram(SUITE, "uring_nop");
        if (program.isEmpty()) return List.of();
        List<String> command = new java.util.ArrayList<>(List.of(program.get().toString()));
        command.addAll(ARGS);
        return context.run(SUITE, Duration.ofMinutes(2), command)
                .map(out -> context.read(SUITE, "uring_nop", out.stdout(), UringReference::parse))
                .orElse(List.of());
    }

    static List<Outside> parse(String stdout) {
        return ProgramOutput.parse(stdout).stream().map(line -> {
            String n = line.setting("n");
            Spec spec = new Spec("io_uring NOP, " + n + " per io_uring_enter", "io.contextlab.uring.NopBatching.nopPerEnter",
                    Map.of("n", n), CrossCheck.PRIMARY, line.unit(), 0.10);
            return new Outside(spec, new Reference("uring_nop " + String.join(" ", ARGS),
                    "median of " + line.samples().size() + " rounds of " + line.setting("nops") + " NOPs", line.median(), line.samples()));
        }).toList();
    }
}
