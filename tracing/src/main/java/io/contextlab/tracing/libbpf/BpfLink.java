package io.contextlab.tracing.libbpf;

import java.lang.foreign.MemorySegment;

/** An attachment. Closing it detaches; a process that dies detaches all its links with its fds. */
public final class BpfLink implements AutoCloseable {
    private MemorySegment link;

    BpfLink(MemorySegment link) {
        this.link = link;
    }

    public int fd() {
        try {
            return (int) Libbpf.LINK_FD.h().invokeExact(link);
        } catch (Throwable t) {
            throw Libbpf.rethrow(t);
        }
    }

    @Override
    public void close() {
        if (link != null) {
            MemorySegment l = link;
            link = null;
            try {
                int rc = (int) Libbpf.LINK_DESTROY.h().invokeExact(l);
            } catch (Throwable t) {
                throw Libbpf.rethrow(t);
            }
        }
    }
}
