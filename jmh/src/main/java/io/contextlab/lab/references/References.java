package io.contextlab.lab.references;

import java.util.Map;
import java.util.function.Supplier;

/** The outside references by the simple class name suites.json gives ("SyscallsReference"). */
public final class References {
    private static final Map<String, Supplier<OutsideReference>> ALL = Map.of(
            "SyscallsReference", SyscallsReference::new,
            "SwitchesReference", SwitchesReference::new,
            "StacksReference", StacksReference::new,
            "EpollReference", EpollReference::new,
            "UringReference", UringReference::new);

    private References() {}

    /** The reference of that name; IllegalArgumentException naming the known ones when there is none. */
    public static OutsideReference named(String simpleName) {
        Supplier<OutsideReference> s = ALL.get(simpleName);
        if (s == null) {
            throw new IllegalArgumentException("no outside reference " + simpleName + " in io.contextlab.lab.references (known: "
                    + String.join(", ", new java.util.TreeSet<>(ALL.keySet())) + ")");
        }
        return s.get();
    }
}
