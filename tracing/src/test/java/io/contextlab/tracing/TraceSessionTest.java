package io.contextlab.tracing;

import io.contextlab.platform.SchemaCheck;
import io.contextlab.tracing.probes.TracingSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What a session writes: traces/trace.json in its schema, with no path of this machine in it. */
class TraceSessionTest {

    @Test
    void aSessionOnAShortCommandWritesATraceThatValidates(@TempDir Path out) throws Exception {
        String reason = TracingSupport.unavailableReason();
        if (reason != null) System.out.println("TraceSessionTest skipped: " + reason);
        assumeTrue(reason == null, reason);
        TraceSession session = TraceSession.parse(new String[] {"--probes", "faults,cswitch,runqlat", "--out", out.toString(), "--", "/bin/true"});
        assertEquals(0, session.run());
        String json = Files.readString(out.resolve("traces/trace.json"));
        SchemaCheck.assertValid("trace.v1", json);
        assertTrue(json.contains("\"format\": \"" + TraceSession.FORMAT + "\""), json);
        assertFalse(json.contains("/bin/true"), "the command is recorded by program name: " + json);
    }

    @Test
    void theCommandIsRecordedByProgramName() {
        assertEquals(List.of("true", "/tmp/x"), TraceSession.shown(List.of("/bin/true", "/tmp/x")));
        assertEquals(List.of(), TraceSession.shown(List.of()));
    }

    @Test
    void theCheckSaysWhyWhenTracingIsUnavailable() {
        var check = TraceSession.check();
        assertTrue(check.get("available") instanceof Boolean);
        assertEquals(Boolean.TRUE.equals(check.get("available")), check.get("reason") == null);
    }
}
