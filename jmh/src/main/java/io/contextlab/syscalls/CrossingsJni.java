package io.contextlab.syscalls;

import io.contextlab.natives.NativeLibrary;

/** The JNI path: classic native methods, resolved in libcontextlab.so (crossings.c). */
public final class CrossingsJni {
    static {
        // Loading the class that extracts and System.load()s the library binds these methods.
        NativeLibrary.PATH.getClass();
    }

    private CrossingsJni() {}

    public static native long empty();

    public static native int getpid();
}
