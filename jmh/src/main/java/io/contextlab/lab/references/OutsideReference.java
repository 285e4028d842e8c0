package io.contextlab.lab.references;

import java.util.List;

/**
 * A suite's outside reference: independent programs (small C loops, perf bench) run on the same
 * machine in the same minute as the suite, whose figures are joined with the suite's JMH results.
 * One class per suite, named in suites.json; raw output goes to the context's log.
 */
public interface OutsideReference {
    List<CrossCheck> run(ReferenceContext context) throws Exception;
}
