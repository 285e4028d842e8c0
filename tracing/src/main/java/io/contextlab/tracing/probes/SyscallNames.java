package io.contextlab.tracing.probes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * x86-64 syscall numbers to names, read from the kernel headers' unistd_64.h when installed
 * (linux-libc-dev); otherwise a number prints as syscall_N. A few names the tests and the
 * profiler depend on are known without the header.
 */
public final class SyscallNames {
    private static final Map<Integer, String> NAMES = load();

    private SyscallNames() {}

    public static String name(int nr) {
        return NAMES.getOrDefault(nr, "syscall_" + nr);
    }

    /** The number of a syscall by name, or -1. */
    public static int number(String name) {
        return NAMES.entrySet().stream().filter(e -> e.getValue().equals(name)).mapToInt(Map.Entry::getKey).findFirst().orElse(-1);
    }

    private static Map<Integer, String> load() {
        Map<Integer, String> names = new HashMap<>(Map.of(0, "read", 1, "write", 110, "getppid", 202, "futex",
                39, "getpid", 24, "sched_yield", 232, "epoll_wait", 281, "epoll_pwait"));
        Pattern define = Pattern.compile("#define __NR_(\\w+)\\s+(\\d+)");
        for (String header : new String[] {"/usr/include/x86_64-linux-gnu/asm/unistd_64.h", "/usr/include/asm/unistd_64.h"}) {
            Path path = Path.of(header);
            if (!Files.isReadable(path)) continue;
            try {
                for (String line : Files.readAllLines(path)) {
                    var m = define.matcher(line);
                    if (m.find()) names.put(Integer.parseInt(m.group(2)), m.group(1));
                }
                break;
            } catch (IOException ignored) {
                // the fallback names above do
            }
        }
        return names;
    }
}
