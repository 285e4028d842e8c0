package io.contextlab.lab.references;

import java.util.List;

/**
 * A suite's outside reference: independent programs (small C loops, perf bench) run on the same
 * machine in the same minute as the suite, whose figures are joined with the suite's JMH results.
 * One class per suite, named in suites.json; raw output goes to the context's log.
 */
public interface OutsideReference {
    /** One round of the outside side: run the reference program(s) once and return each check's outside figure (Spec + Reference). */
    List<CrossCheck.Outside> measure(ReferenceContext context) throws Exception;

    /** One round joined with the context's JMH results (until the pairing framework calls measure itself). */
    List<CrossCheck> run(ReferenceContext context) throws Exception;
}
