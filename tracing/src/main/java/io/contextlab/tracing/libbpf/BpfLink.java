package io.contextlab.tracing.libbpf;

import java.lang.foreign.MemorySegment;

/**
 * An attachment: a libbpf bpf_link, or a bare link fd ({@link Pinned}), with the perf event fd it
 * owns if any. Closing it detaches; a process that dies detaches all its links with its fds.
 */
public final class BpfLink implements AutoCloseable {
    private MemorySegment link;
    private int linkFd = -1;
    private int perfFd = -1;

    BpfLink(MemorySegment link) {
        this.link = link;
    }

    static BpfLink ofFd(int linkFd, int perfFd) {
        BpfLink l = new BpfLink(null);
        l.linkFd = linkFd;
        l.perfFd = perfFd;
        return l;
    }

    public int fd() {
        return link != null ? (int) Libbpf.LINK_FD.call(link.address()) : linkFd;
    }

    @Override
    public void close() {
        if (link != null) {
            MemorySegment l = link;
            link = null;
            Libbpf.LINK_DESTROY.call(l.address());
        }
        if (linkFd >= 0) {
            Libbpf.closeFd(linkFd);
            linkFd = -1;
        }
        if (perfFd >= 0) {
            Libbpf.closeFd(perfFd);
            perfFd = -1;
        }
    }
}
