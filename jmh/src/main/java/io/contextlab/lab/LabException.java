package io.contextlab.lab;

/** An error a user can cause: its message is the one line `lab` prints (after "lab: "). */
public final class LabException extends RuntimeException {
    public LabException(String message) {
        super(message);
    }
}
