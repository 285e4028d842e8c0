package io.contextlab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The forks' AOT cache: where it lives, when it is used, and that a path handed to forks is relative. */
class AotCacheTest {
    @TempDir
    Path dir;

    @Test
    void theCacheSitsBesideTheJarNamedForThisJvm() {
        Path cache = AotCache.cacheOf(dir.resolve("benchmarks.jar"));
        assertEquals(dir, cache.getParent());
        String name = cache.getFileName().toString();
        assertTrue(name.startsWith("benchmarks-") && name.endsWith(".aot"), name);
        assertFalse(name.contains("/") || name.contains(" "), name);
    }

    @Test
    void aCacheOlderThanTheJarIsStaleAndAMissingOneIsNotFresh() throws Exception {
        Path jar = Files.writeString(dir.resolve("benchmarks.jar"), "jar");
        Path cache = AotCache.cacheOf(jar);
        assertFalse(AotCache.fresh(cache, jar));
        Files.writeString(cache, "cache");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
        Files.setLastModifiedTime(cache, FileTime.from(Instant.parse("2026-01-02T00:00:00Z")));
        assertTrue(AotCache.fresh(cache, jar));
        Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-01-03T00:00:00Z")));
        assertFalse(AotCache.fresh(cache, jar), "rebuilt jar: the cache is stale");
    }

    @Test
    void pathsForTheForksAreRelativeToTheWorkingDirectory() {
        Path inside = Path.of("").toAbsolutePath().resolve("target").resolve("x.aot");
        assertEquals(Path.of("target", "x.aot").toString(), Lab.fromWorkingDirectory(inside));
        assertFalse(Lab.fromWorkingDirectory(dir.resolve("y.json")).startsWith("/"));
    }

    @Test
    void runningFromClassesThereIsNoCacheAndNoFlag() {
        // The tests run from target/classes, not from benchmarks.jar.
        assertTrue(AotCache.jar().isEmpty());
        assertTrue(AotCache.forkFlags().isEmpty());
    }
}
