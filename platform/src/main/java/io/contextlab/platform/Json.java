package io.contextlab.platform;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * How every measured record reaches the disk: one Gson configuration (nulls kept, so an absent
 * figure reads as null and not as a missing key; no HTML escaping, so "-Xmx1g" stays readable),
 * whole files written to a temporary name and renamed (a reader never sees half a record), and
 * JSON-lines records appended one whole line at a time.
 */
public final class Json {
    public static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping()
            .serializeSpecialFloatingPointValues().create();
    private static final Gson PRETTY = GSON.newBuilder().setPrettyPrinting().create();

    private Json() {}

    /** Writes {@code record} as indented JSON to {@code file}, atomically. */
    public static void write(Path file, Object record) throws IOException {
        writeText(file, PRETTY.toJson(record) + "\n");
    }

    /** Writes {@code text} to {@code file} through a temporary file in the same folder and a rename. */
    public static void writeText(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName() + ".", ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            // createTempFile makes the file private (0600); a record is for every reader of the run.
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Appends {@code record} as one JSON line (JSON Lines) to {@code file}. */
    public static void appendLine(Path file, Object record) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, GSON.toJson(record) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    public static String toJson(Object record) {
        return GSON.toJson(record);
    }
}
