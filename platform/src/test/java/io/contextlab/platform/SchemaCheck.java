package io.contextlab.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * For writers' tests: validates a record against its schema in datasets/schema/ of this checkout
 * (found by walking up from the working directory), and fails with every message when it does not
 * validate. Shared through the platform module's test-jar.
 */
public final class SchemaCheck {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    private SchemaCheck() {}

    /** The schema folder of this checkout, datasets/schema. */
    public static Path schemaDir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path dir = p.resolve("datasets/schema");
            if (Files.isDirectory(dir)) {
                return dir;
            }
        }
        throw new IllegalStateException("no datasets/schema above " + Path.of("").toAbsolutePath());
    }

    /**
     * Throws AssertionError unless {@code json} validates against
     * datasets/schema/{@code schema}.schema.json, e.g. {@code assertValid("crosscheck.v1", line)}.
     */
    public static void assertValid(String schema, String json) {
        Set<ValidationMessage> errors = validate(schema, json);
        if (!errors.isEmpty()) {
            throw new AssertionError(schema + ": " + errors.stream().map(ValidationMessage::toString)
                    .sorted().collect(Collectors.joining("; ")) + "\nin: " + abbreviate(json));
        }
    }

    public static Set<ValidationMessage> validate(String schema, String json) {
        try {
            Path file = schemaDir().resolve(schema + ".schema.json");
            JsonNode schemaNode = MAPPER.readTree(file.toFile());
            // The file's URI is the base a relative "$id" (contextlab.<record>/<N>) resolves against.
            JsonSchema compiled = FACTORY.getSchema(file.toUri(), schemaNode);
            return compiled.validate(MAPPER.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 2000 ? s : s.substring(0, 2000) + "…";
    }
}
