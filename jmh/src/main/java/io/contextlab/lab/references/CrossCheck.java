// STUB: replaced by h-env at merge
package io.contextlab.lab.references;

public record CrossCheck(String format, String suite, String check, String verdict) {}
