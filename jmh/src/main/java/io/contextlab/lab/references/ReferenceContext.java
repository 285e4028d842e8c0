// STUB: replaced by h-env at merge
package io.contextlab.lab.references;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Collection;
import org.openjdk.jmh.results.RunResult;

public record ReferenceContext(Path labRoot, Path runDir, Collection<RunResult> results, PrintStream log) {
    public Path program(String name) {
        return labRoot.resolve("jmh/target/crosscheck").resolve(name);
    }
}
