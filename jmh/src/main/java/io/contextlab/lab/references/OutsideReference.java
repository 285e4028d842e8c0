package io.contextlab.lab.references;

import java.util.ArrayList;
import java.util.List;

/**
 * A suite's outside reference: independent programs (small C loops, perf bench) run on the same
 * machine beside the JMH figures they check (see Pairs). One class per suite, named in
 * suites.json; raw output goes to the context's log.
 *
 * <p>A reference is a list of probes, each one program run (or a few) that yields the outside
 * figures of some checks, small enough (about 0.1 to 0.3 s here) to run between two measurement
 * iterations of a JMH fork: the pairs run, in each benchmark's fork, only the probes whose checks
 * name that benchmark and its params.
 */
public interface OutsideReference {

    /**
     * One named part of a reference: a round of it returns its checks' outside figures.
     * {@code followsCpu}: in a pair, the program runs on the CPU the benchmark's thread last ran
     * on (a single-threaded loop timed against a single-threaded benchmark: on this VM the two
     * vCPUs run at different speeds from one second to the next, and a child of the waiting fork
     * would otherwise start on the other one); false for programs that place their own tasks
     * (pinned, or unpinned on purpose: spawns, threads, the herd) or count rather than time.
     */
    record Probe(String name, boolean followsCpu, Round round) {
        public Probe(String name, Round round) {
            this(name, false, round);
        }
    }

    @FunctionalInterface
    interface Round {
        List<CrossCheck.Outside> run(ReferenceContext context) throws Exception;
    }

    /** The probes, each name unique within the reference. */
    List<Probe> probes();

    /**
     * What runs once, in the host, after the first round of every probe: output for the reader
     * that no check reads (perf bench epoll, say). Nothing by default.
     */
    default void once(ReferenceContext context) {}

    /** One round of every probe (a probe that throws loses only its own figures, after one line), then {@link #once}. */
    default List<CrossCheck.Outside> measure(ReferenceContext context) {
        List<CrossCheck.Outside> out = new ArrayList<>();
        for (Probe probe : probes()) out.addAll(run(probe, context));
        once(context);
        return out;
    }

    /** A probe's round; after one line, nothing when it throws. */
    static List<CrossCheck.Outside> run(Probe probe, ReferenceContext context) {
        try {
            List<CrossCheck.Outside> got = probe.round().run(context);
            return got == null ? List.of() : got;
        } catch (Exception e) {
            e.printStackTrace(context.log());
            context.say("probe " + probe.name(), "failed (" + e + "): no rows from it this round");
            return List.of();
        }
    }
}
