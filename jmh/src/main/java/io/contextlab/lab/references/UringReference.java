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
 * against NopBatching.nopPerEnter at the same n, held to 10 %. One probe per batch size.
 */
public final class UringReference implements OutsideReference {
    static final String SUITE = "uring";
    /** What differs in the two sides' work per batch (the record's note; the kernel's work per NOP is the same). */
    static final String NOP_SIDES = "the same kernel work on both sides (n NOPs submitted and waited for by one io_uring_enter);"
            + " the JMH side fills and reaps the rings through liburing (io_uring_get_sqe, io_uring_prep_nop,"
            + " io_uring_submit_and_wait, io_uring_for_each_cqe), uring_nop writes the raw rings (a memset per SQE);"
            + " the ring fd costs both alike (io_uring_enter takes a full reference on it, fget, even in a"
            + " single-threaded process); no other difference in the work is known";
    /** NOPs per round (each batch size's rounds) and the batch sizes, one probe each. */
    static final String NOPS = "8192";
    static final List<String> BATCHES = List.of("1", "8", "64", "512");

    @Override
    public List<Probe> probes() {
        return BATCHES.stream().map(n -> new Probe("uring_nop " + n, true, context -> measure(context, n))).toList();
    }

    private static List<Outside> measure(ReferenceContext context, String n) {
        var program = context.builtProgram(SUITE, "uring_nop");
        if (program.isEmpty()) return List.of();
        return context.run(SUITE, Duration.ofMinutes(1), List.of(program.get().toString(), NOPS, n))
                .map(out -> context.read(SUITE, "uring_nop", out.stdout(), UringReference::parse))
                .orElse(List.of());
    }

    static List<Outside> parse(String stdout) {
        return ProgramOutput.parse(stdout).stream().map(line -> {
            String n = line.setting("n");
            Spec spec = new Spec("io_uring NOP, " + n + " per io_uring_enter", "io.contextlab.uring.NopBatching.nopPerEnter",
                    Map.of("n", n), CrossCheck.PRIMARY, line.unit(), CrossCheck.TOLERANCE, NOP_SIDES);
            return new Outside(spec, new Reference("uring_nop " + NOPS + " " + n,
                    "mean of " + line.samples().size() + " rounds of " + line.setting("nops") + " NOPs", line.mean(), line.samples()));
        }).toList();
    }
}
