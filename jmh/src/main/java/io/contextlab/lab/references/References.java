package io.contextlab.lab.references;

import java.util.ArrayList;
import java.util.List;
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

    /**
     * Several references as one (a suite names one class in suites.json): each part's round in
     * turn, their figures together; a part that throws loses only its own figures, after one line.
     * E.g. {@code "SwitchesReference", () -> References.all("switches", new SwitchesReference(), new SetjmpReference())}.
     */
    public static OutsideReference all(String suite, OutsideReference... parts) {
        return context -> {
            List<CrossCheck.Outside> out = new ArrayList<>();
            for (OutsideReference part : parts) {
                try {
                    out.addAll(part.measure(context));
                } catch (Exception e) {
                    e.printStackTrace(context.log());
                    context.say(suite, part.getClass().getSimpleName() + " failed (" + e + "): no rows from it this round");
                }
            }
            return out;
        };
    }

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
