package io.contextlab.natives;

import io.contextlab.platform.libc.Libc;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * libcontextlab.so, built from jmh/src/main/c by the Maven build and carried inside the jar.
 * It is copied out once per JVM (a jar entry cannot be dlopen'ed) and looked up through FFM;
 * the same file is also System.load'ed so that JNI entry points in it resolve. The C library's
 * own functions are bound by io.contextlab.platform.libc, not here.
 */
public final class NativeLibrary {
    private static final String RESOURCE = "/native/libcontextlab.so";

    /** The extracted file, for bindings (jnr-ffi, JNI) that load it by path. */
    public static final Path PATH = extract();
    private static final SymbolLookup LOOKUP = SymbolLookup.libraryLookup(PATH, Arena.global());

    static {
        System.load(PATH.toString());
    }

    private NativeLibrary() {}

    /** A downcall handle to a function of libcontextlab. */
    public static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return Linker.nativeLinker().downcallHandle(symbol(name), descriptor, options);
    }

    /** The address of a function of libcontextlab (for C code that takes a function pointer). */
    public static MemorySegment symbol(String name) {
        return LOOKUP.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError(name + " is not in " + PATH + ": rebuild with scripts/lab build"));
    }

    private static Path extract() {
        if (!System.getProperty("os.name").equals("Linux") || !System.getProperty("os.arch").equals("amd64")) {
            throw new UnsatisfiedLinkError("ContextLab's native library is built for Linux x86-64 only, not "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        }
        try (InputStream in = NativeLibrary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new UnsatisfiedLinkError(RESOURCE + " is missing from the class path: build with scripts/lab build");
            }
            Path dir = Files.createTempDirectory("contextlab-native-");
            Path file = dir.resolve("libcontextlab.so");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            file.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + RESOURCE, e);
        }
    }

    /** Rethrows what a downcall handle threw; they throw nothing but Errors in practice. */
    public static RuntimeException rethrow(Throwable t) {
        return Libc.rethrow(t);
    }
}
