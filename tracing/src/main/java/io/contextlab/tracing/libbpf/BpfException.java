package io.contextlab.tracing.libbpf;

/** A libbpf or kernel refusal, with the errno and libbpf's text for it. */
public final class BpfException extends RuntimeException {
    private final int errno;

    public BpfException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** From a libbpf return value (-errno) or a positive errno. */
    static BpfException of(String what, int err) {
        int errno = Math.abs(err);
        String text = errno == 0 ? "unknown error" : Libbpf.strerror(errno);
        String hint = switch (errno) {
            case 1, 13 -> ": run as root (or with CAP_BPF and CAP_PERFMON)";
            default -> "";
        };
        return new BpfException(what + " failed: " + text + " (errno " + errno + ")" + hint, errno);
    }

    public int errno() {
        return errno;
    }
}
