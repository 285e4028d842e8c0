package io.contextlab.stacks;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.contextlab.natives.NativeLibrary;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** Binding to faults.c: anonymous mappings made three ways, and a one-store-per-page touch. */
public final class Faults {
    /** How a region is mapped: see faults.c. */
    public enum Mapping {
        /** Nothing present: every first store is a minor fault (4 KiB pages, THP refused). */
        FRESH(0),
        /** MAP_POPULATE: every page faulted in by mmap itself. */
        POPULATE(1),
        /** 2 MiB-aligned with MADV_HUGEPAGE: one fault per 2 MiB where THP allows it. */
        HUGEPAGE(2);

        final int code;

        Mapping(int code) {
            this.code = code;
        }
    }

    private static final MethodHandle MAP = NativeLibrary.downcall("cl_map", FunctionDescriptor.of(ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle UNMAP = NativeLibrary.downcall("cl_unmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle TOUCH = NativeLibrary.downcall("cl_touch_pages", FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG));
    private static final MethodHandle MAP_UNMAP_LOOP = NativeLibrary.downcall("cl_map_populate_unmap",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT));

    private Faults() {}

    public static MemorySegment map(long bytes, Mapping how) {
        try {
            MemorySegment region = (MemorySegment) MAP.invokeExact(bytes, how.code);
            if (region.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("mmap of " + bytes + " bytes (" + how + ") failed: too little free memory?");
            }
            return region;
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    public static void unmap(MemorySegment region, long bytes) {
        try { int ignored = (int) UNMAP.invokeExact(region, bytes); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /** One store per 4 KiB page of the region; returns the pages written. */
    public static long touchPages(MemorySegment region, long bytes) {
        try { return (long) TOUCH.invokeExact(region, bytes); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }

    /** mmap (with MAP_POPULATE if populate) and munmap `rounds` times; returns the rounds that succeeded. */
    public static long mapUnmap(long bytes, long rounds, boolean populate) {
        try { return (long) MAP_UNMAP_LOOP.invokeExact(bytes, rounds, populate ? 1 : 0); } catch (Throwable t) { throw NativeLibrary.rethrow(t); }
    }
}
