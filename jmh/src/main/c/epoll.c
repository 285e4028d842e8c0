/*
 * epoll measured from C: an "epoll set" is one epoll instance with n eventfds registered in it
 * (plus unregistered spares), and every loop below runs many kernel calls per Java->native
 * crossing, returning a value derived from every call so nothing can be dropped.
 *
 * Readiness is made with eventfds: writing 1 makes an eventfd readable (and, being a wake-up of
 * its wait queue, is an edge for EPOLLET); nothing in these loops ever reads the counters, so a
 * ready fd stays ready for the whole trial and level-triggered rounds need no re-arming at all.
 *
 * Errors come back as -errno so the Java side can say which call failed.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>

struct cl_epset {
    int epfd;
    int n;            /* eventfds registered in epfd */
    int *fds;
    uint32_t events;  /* the interest mask they were registered with */
    int spares_n;     /* eventfds never registered: targets of ADD/DEL and of baseline writes */
    int *spares;
    struct epoll_event *out;  /* epoll_wait's buffer, n entries */
};

static void epset_free(struct cl_epset *s) {
    if (s->fds) for (int i = 0; i < s->n; i++) if (s->fds[i] >= 0) close(s->fds[i]);
    if (s->spares) for (int i = 0; i < s->spares_n; i++) if (s->spares[i] >= 0) close(s->spares[i]);
    if (s->epfd >= 0) close(s->epfd);
    free(s->fds);
    free(s->spares);
    free(s->out);
    free(s);
}

/* n registered eventfds with interest EPOLLIN|flags (data.u32 = index), and spares_n spares.
 * Returns the set, or -errno (EMFILE: the fd limit) cast to a pointer-sized integer. */
intptr_t cl_epset_open(int n, uint32_t flags, int spares_n) {
    struct cl_epset *s = calloc(1, sizeof *s);
    if (!s) return -ENOMEM;
    s->epfd = -1;
    s->events = EPOLLIN | flags;
    s->fds = malloc(sizeof(int) * (size_t) (n > 0 ? n : 1));
    s->spares = malloc(sizeof(int) * (size_t) (spares_n > 0 ? spares_n : 1));
    s->out = malloc(sizeof(struct epoll_event) * (size_t) (n > 0 ? n : 1));
    if (!s->fds || !s->spares || !s->out) { epset_free(s); return -ENOMEM; }
    int err = 0;
    s->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (s->epfd < 0) { err = -errno; epset_free(s); return err; }
    for (; s->n < n; s->n++) {
        int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (fd < 0) { err = -errno; epset_free(s); return err; }
        s->fds[s->n] = fd;
        struct epoll_event ev = { .events = s->events, .data.u32 = (uint32_t) s->n };
        if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) { err = -errno; s->n++; epset_free(s); return err; }
    }
    for (; s->spares_n < spares_n; s->spares_n++) {
        int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (fd < 0) { err = -errno; epset_free(s); return err; }
        s->spares[s->spares_n] = fd;
    }
    return (intptr_t) s;
}

void cl_epset_close(struct cl_epset *s) {
    if (s) epset_free(s);
}

int cl_epset_epfd(struct cl_epset *s) { return s->epfd; }
int cl_epset_fd(struct cl_epset *s, int i) { return s->fds[i]; }

/* Makes registered fds [0, r) readable once (their counters are never read back). */
int64_t cl_epset_make_ready(struct cl_epset *s, int r) {
    const uint64_t one = 1;
    for (int i = 0; i < r; i++)
        if (write(s->fds[i], &one, sizeof one) != sizeof one) return -errno;
    return r;
}

/* ---- epoll_ctl ------------------------------------------------------------------------- */

/* One op = ADD of a spare fd then DEL of it: the tree holds n, then n+1, then n entries. */
int64_t cl_epoll_ctl_add_del(struct cl_epset *s, int64_t iters) {
    struct epoll_event ev = { .events = EPOLLIN, .data.u32 = UINT32_MAX };
    int spare = s->spares[0];
    int64_t ok = 0;
    for (int64_t i = 0; i < iters; i++) {
        if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, spare, &ev) != 0) return -errno;
        if (epoll_ctl(s->epfd, EPOLL_CTL_DEL, spare, NULL) != 0) return -errno;
        ok += 2;
    }
    return ok;
}

/* One op = MOD of a registered fd, walking all n so every lookup lands on a different node.
 * Same interest mask as registered: the MOD re-polls the fd (not ready) and changes nothing. */
int64_t cl_epoll_ctl_mod(struct cl_epset *s, int64_t iters) {
    int64_t ok = 0;
    int i = 0;
    for (int64_t k = 0; k < iters; k++) {
        struct epoll_event ev = { .events = s->events, .data.u32 = (uint32_t) i };
        if (epoll_ctl(s->epfd, EPOLL_CTL_MOD, s->fds[i], &ev) != 0) return -errno;
        ok++;
        if (++i == s->n) i = 0;
    }
    return ok;
}

/* The same walk and argument set-up as cl_epoll_ctl_mod, without the system call. */
int64_t cl_epoll_ctl_baseline(struct cl_epset *s, int64_t iters) {
    int64_t acc = 0;
    int i = 0;
    for (int64_t k = 0; k < iters; k++) {
        struct epoll_event ev = { .events = s->events, .data.u32 = (uint32_t) i };
        __asm__ volatile("" : : "r"(&ev), "r"(s->fds[i]) : "memory");
        acc += ev.data.u32;
        if (++i == s->n) i = 0;
    }
    return acc;
}

/* ---- epoll_wait ------------------------------------------------------------------------ */

/* One round collects r events with as many epoll_wait(timeout 0) calls as maxevents requires.
 * Returns the number of events collected over all rounds, or -errno. A call that returns 0
 * before r are collected ends the round early (the caller's counters show it). */
static inline int64_t harvest(struct cl_epset *s, int r, int maxevents) {
    int64_t got = 0;
    while (got < r) {
        int k = epoll_wait(s->epfd, s->out, maxevents, 0);
        if (k < 0) return -errno;
        if (k == 0) break;
        got += k;
    }
    return got;
}

/* Level-triggered, r fds ready and never drained: every round reports them again. */
int64_t cl_epoll_wait_rounds(struct cl_epset *s, int64_t rounds, int r, int maxevents) {
    int64_t total = 0;
    for (int64_t i = 0; i < rounds; i++) {
        int64_t got = harvest(s, r, maxevents);
        if (got < 0) return got;
        total += got;
    }
    return total;
}

/* One epoll_wait(timeout 0) per round, whatever it returns: with EPOLLET and no new edge this
 * is the cost of asking when r fds are still ready but already reported. */
int64_t cl_epoll_wait_once(struct cl_epset *s, int64_t rounds, int maxevents) {
    int64_t total = 0;
    for (int64_t i = 0; i < rounds; i++) {
        int k = epoll_wait(s->epfd, s->out, maxevents, 0);
        if (k < 0) return -errno;
        total += k;
    }
    return total;
}

/* Edge-triggered: each round makes a new edge on r fds (one eventfd write each, which runs
 * epoll's wake-up callback and queues the fd) and then collects the r events. */
int64_t cl_epoll_wait_edges(struct cl_epset *s, int64_t rounds, int r, int maxevents) {
    const uint64_t one = 1;
    int64_t total = 0;
    for (int64_t i = 0; i < rounds; i++) {
        for (int j = 0; j < r; j++)
            if (write(s->fds[j], &one, sizeof one) != sizeof one) return -errno;
        int64_t got = harvest(s, r, maxevents);
        if (got < 0) return got;
        total += got;
    }
    return total;
}

/* The readiness-making of cl_epoll_wait_edges alone: r eventfd writes per round, to spares that
 * no epoll watches (so no callback runs), cycling over the spares there are (a write's cost does
 * not depend on which eventfd, and the fd limit may not allow r more). */
int64_t cl_eventfd_write_rounds(struct cl_epset *s, int64_t rounds, int r) {
    const uint64_t one = 1;
    int64_t total = 0;
    if (s->spares_n < 1) return -EINVAL;
    for (int64_t i = 0; i < rounds; i++) {
        int k = 0;
        for (int j = 0; j < r; j++) {
            if (write(s->spares[k], &one, sizeof one) != sizeof one) return -errno;
            if (++k == s->spares_n) k = 0;
            total++;
        }
    }
    return total;
}

/* EPOLLONESHOT: collect r events, then re-arm each reported fd with EPOLL_CTL_MOD. The fds are
 * still readable, so the MOD queues them again at once: the next round finds them ready. */
int64_t cl_epoll_wait_oneshot(struct cl_epset *s, int64_t rounds, int r, int maxevents) {
    int64_t total = 0;
    for (int64_t i = 0; i < rounds; i++) {
        int64_t got = 0;
        while (got < r) {
            int k = epoll_wait(s->epfd, s->out, maxevents, 0);
            if (k < 0) return -errno;
            if (k == 0) break;
            for (int j = 0; j < k; j++) {
                uint32_t idx = s->out[j].data.u32;
                struct epoll_event ev = { .events = s->events, .data.u32 = idx };
                if (epoll_ctl(s->epfd, EPOLL_CTL_MOD, s->fds[idx], &ev) != 0) return -errno;
            }
            got += k;
        }
        total += got;
    }
    return total;
}

/* ADD, epoll_wait, DEL, epoll_wait (timeout 0) on a spare: the kernel work under one JDK
 * Selector cycle register / selectNow / cancel / selectNow, for comparison with it. */
int64_t cl_epoll_add_del_wait(struct cl_epset *s, int64_t iters) {
    struct epoll_event ev = { .events = EPOLLIN, .data.u32 = UINT32_MAX };
    int spare = s->spares[0];
    int max = s->n > 0 ? s->n : 1;
    int64_t total = 0;
    for (int64_t i = 0; i < iters; i++) {
        if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, spare, &ev) != 0) return -errno;
        int k1 = epoll_wait(s->epfd, s->out, max, 0);
        if (epoll_ctl(s->epfd, EPOLL_CTL_DEL, spare, NULL) != 0) return -errno;
        int k2 = epoll_wait(s->epfd, s->out, max, 0);
        if (k1 < 0 || k2 < 0) return -errno;
        total += k1 + k2 + 2;
    }
    return total;
}

/* ---- blocking fds under LT and ET ------------------------------------------------------- */

/*
 * "Only in LT mode does it not matter whether the fd is non-blocking": a BLOCKING socket (one end
 * of a socketpair, with SO_RCVTIMEO = timeout_ms so that a read that blocks ends, with EAGAIN,
 * instead of hanging) gets `bytes` bytes, and a loop reads it under one of three disciplines:
 *   0  LT, one read per report: wait, one 1-byte read, wait again...  Every read follows a
 *      report of data still there, so none blocks; the last wait reports nothing.
 *   1  ET, drain after each report (read until the read would block, as ET requires since the
 *      fd is not reported again): the read after the last byte blocks, until the timeout.
 *   2  ET, one read per report: no read blocks, but the fd is reported once and the bytes left
 *      after the first read are never reported (stranded).
 * out[0] = waits that reported the fd, out[1] = reads that returned a byte, out[2] = reads that
 * blocked until the timeout (EAGAIN on a blocking socket). Returns 0 or -errno.
 */
int cl_epoll_blocking_reads(int discipline, int bytes, int timeout_ms, int64_t *out) {
    int sv[2];
    out[0] = out[1] = out[2] = 0;
    if (discipline < 0 || discipline > 2 || bytes < 1 || bytes > 4096 || timeout_ms < 1) return -EINVAL;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return -errno;
    int err = 0;
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
    struct epoll_event ev = { .events = EPOLLIN | (discipline == 0 ? 0 : EPOLLET), .data.u32 = 1 };
    char buf[4096] = {0};
    if (epfd < 0 || setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0
            || epoll_ctl(epfd, EPOLL_CTL_ADD, sv[0], &ev) != 0
            || write(sv[1], buf, (size_t) bytes) != bytes) {
        err = -errno;
        goto done;
    }
    for (int guard = 0; guard < 2 * bytes + 2; guard++) {
        struct epoll_event got;
        int k = epoll_wait(epfd, &got, 1, 0);
        if (k < 0) { err = -errno; goto done; }
        if (k == 0) break;
        out[0]++;
        for (;;) {
            char c;
            ssize_t n = read(sv[0], &c, 1);
            if (n == 1) out[1]++;
            else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) { out[2]++; break; }
            else { err = n < 0 ? -errno : -EPIPE; goto done; }
            if (discipline != 1) break;
        }
    }
done:
    if (epfd >= 0) close(epfd);
    close(sv[0]);
    close(sv[1]);
    return err;
}
