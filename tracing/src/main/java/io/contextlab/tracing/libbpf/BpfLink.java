package io.contextlab.tracing.libbpf;

import java.lang.foreign.MemorySegment;

/** An attachment. Closing it detaches; a process that dies detaches all its links with its fds. */
public final class BpfLink implements AutoCloseable {
    private MemorySegment link;

    BpfLink(MemorySegment link) {
        this.link = link;
    }

    public int fd() {
        return (int) Libbpf.LINK_FD.call(link.address());
    }

    @Override
    public void close() {
        if (link != null) {
            MemorySegment l = link;
            link = null;
            Libbpf.LINK_DESTROY.call(l.address());
        }
    }
}
