// STUB: replaced by h-env at merge
package io.contextlab.lab.references;

import java.util.List;

public final class References {
    private References() {}

    public static OutsideReference named(String simpleName) {
        return context -> List.of();
    }
}
