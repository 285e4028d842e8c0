package io.contextlab.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
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
            // Compiled with its file as the retrieval location: the schemas' "$id"s are the record
            // formats ("contextlab.servers/1"), which are relative IRIs, and networknt refuses a
            // relative $id on a schema it has no location for.
            JsonSchema compiled = FACTORY.getSchema(SchemaLocation.of(file.toUri().toString()), schemaNode);
            return compiled.validate(MAPPER.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 2000 ? s : s.substring(0, 2000) + "…";
    }
}
