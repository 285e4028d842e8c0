package io.contextlab.syscalls;

import io.contextlab.natives.NativeLibrary;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.IgnoreError;

/**
 * The jnr-ffi path. jnr-ffi saves errno after every call unless told not to: the variants with
 * {@link IgnoreError} show what that bookkeeping costs.
 */
public final class CrossingsJnr {
    public interface Library {
        long cl_crossing_empty();

        int getpid();
    }

    /** A second interface because jnr-ffi maps by method name: getpid without errno saving. */
    public interface LibraryIgnoringErrno {
        @IgnoreError
        long cl_crossing_empty();

        @IgnoreError
        int getpid();
    }

    public static final Library LIBRARY = LibraryLoader.create(Library.class)
            .library(NativeLibrary.PATH.toString()).library("c").load();
    public static final LibraryIgnoringErrno LIBRARY_IGNORING_ERRNO = LibraryLoader.create(LibraryIgnoringErrno.class)
            .library(NativeLibrary.PATH.toString()).library("c").load();

    private CrossingsJnr() {}
}
