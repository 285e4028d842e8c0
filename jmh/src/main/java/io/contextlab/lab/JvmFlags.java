package io.contextlab.lab;

import java.util.List;

/**
 * The JVM flags every forked benchmark JVM needs (the same list as contextlab.jvm.flags in the
 * parent pom, which the tests get). They are passed to forks through -jvmArgsPrepend so that a
 * benchmark's own @Fork(jvmArgsAppend = ...) still applies: JMH lets the command line replace an
 * annotation's jvmArgsAppend, but nothing here sets it.
 */
public final class JvmFlags {
    public static final List<String> FORK = List.of(
            "--enable-native-access=ALL-UNNAMED",
            // JMH 1.37 and jnr-ffi use sun.misc.Unsafe memory access; JDK 25 warns without this.
            "--sun-misc-unsafe-memory-access=allow",
            // jdk.internal.vm.Continuation, for the switch ladder and the coroutine runtime.
            "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            // JOL attaches to its own JVM for Instrumentation (stack-chunk sizes).
            "-Djdk.attach.allowAttachSelf=true");

    private JvmFlags() {}
}
