package io.contextlab.tracing.probes;

/** This machine or build cannot run the probes; the message says why and what to do. */
public final class ProbeUnavailableException extends RuntimeException {
    public ProbeUnavailableException(String message) {
        super(message);
    }
}
