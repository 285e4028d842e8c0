package io.contextlab.stbench;

/** The fork flag that gives the virtual-thread scheduler one carrier: virtual threads become n:1 too. */
final class Carriers {
    static final String ONE = "-Djdk.virtualThreadScheduler.parallelism=1";

    private Carriers() {}
}
