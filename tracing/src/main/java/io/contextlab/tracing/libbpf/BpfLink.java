package io.contextlab.tracing.libbpf;

import jnr.ffi.Pointer;

/** An attachment. Closing it detaches; a process that dies detaches all its links with its fds. */
public final class BpfLink implements AutoCloseable {
    private Pointer link;

    BpfLink(Pointer link) {
        this.link = link;
    }

    public int fd() {
        return Libbpf.api().bpf_link__fd(link);
    }

    @Override
    public void close() {
        if (link != null) {
            Libbpf.api().bpf_link__destroy(link);
            link = null;
        }
    }
}
