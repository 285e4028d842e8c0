package io.contextlab.lab;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** `lab suites`: the registry (suites.json) as a table. */
@Command(name = "suites", description = "the suites and their quick/full JMH settings, and the steps (suites.json)")
final class SuitesCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        SuiteRegistry registry = SuiteRegistry.load(Lab.root());
        String row = "%-17s %-9s %-32s %s%n";
        System.out.printf(row, "SUITE", "REFERENCE", "INCLUDE", "QUICK | FULL");
        for (SuiteRegistry.Suite s : registry.suites()) {
            System.out.printf(row, s.name(), s.reference() == null ? "-" : s.reference().replaceFirst("Reference$", ""),
                    s.include(), s.quick() + " | " + (s.full().isBlank() ? "(annotations)" : s.full()));
        }
        for (SuiteRegistry.Step s : registry.steps()) {
            System.out.printf(row, s.name(), "-", s.include() == null ? "(step)" : s.include(),
                    s.include() == null ? s.about() : s.quick() + " | " + s.full());
        }
        return 0;
    }
}
