// STUB: replaced by h-env at merge
package io.contextlab.lab.references;

import java.util.List;

public interface OutsideReference {
    List<CrossCheck> run(ReferenceContext context) throws Exception;
}
