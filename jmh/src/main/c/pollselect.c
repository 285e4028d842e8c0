/*
 * poll(2) and select(2) over n eventfds of which exactly one (the last) is readable. Both calls
 * take the whole interest set on every call and the kernel polls every fd in it, so their cost
 * should grow with n even though the answer is always "one fd".
 *
 * select(2) can only name fds below FD_SETSIZE (1024): a larger fd number would write past the
 * fd_set. cl_scanset_open refuses (-ERANGE) to build a select set that would need one.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/select.h>

struct cl_scanset {
    int n;
    int *fds;
    struct pollfd *pfds;
    fd_set template_set;  /* select overwrites its argument: each call starts from a copy */
    int maxfd;
    int selectable;       /* every fd < FD_SETSIZE */
};

static void scanset_free(struct cl_scanset *s) {
    if (s->fds) for (int i = 0; i < s->n; i++) close(s->fds[i]);
    free(s->fds);
    free(s->pfds);
    free(s);
}

/* n eventfds, the last one readable. Returns the set or -errno. */
intptr_t cl_scanset_open(int n) {
    if (n < 1) return -EINVAL;
    struct cl_scanset *s = calloc(1, sizeof *s);
    if (!s) return -ENOMEM;
    s->fds = malloc(sizeof(int) * (size_t) n);
    s->pfds = malloc(sizeof(struct pollfd) * (size_t) n);
    if (!s->fds || !s->pfds) { scanset_free(s); return -ENOMEM; }
    FD_ZERO(&s->template_set);
    s->selectable = 1;
    for (; s->n < n; s->n++) {
        int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (fd < 0) { int err = -errno; scanset_free(s); return err; }
        s->fds[s->n] = fd;
        s->pfds[s->n] = (struct pollfd) { .fd = fd, .events = POLLIN };
        if (fd > s->maxfd) s->maxfd = fd;
        if (fd < FD_SETSIZE) FD_SET(fd, &s->template_set); else s->selectable = 0;
    }
    const uint64_t one = 1;
    if (write(s->fds[n - 1], &one, sizeof one) != sizeof one) { int err = -errno; scanset_free(s); return err; }
    return (intptr_t) s;
}

void cl_scanset_close(struct cl_scanset *s) {
    if (s) scanset_free(s);
}

/* Returns the number of ready fds reported over all calls (iters if all is well), or -errno. */
int64_t cl_poll_rounds(struct cl_scanset *s, int64_t iters) {
    int64_t total = 0;
    for (int64_t i = 0; i < iters; i++) {
        int k = poll(s->pfds, (nfds_t) s->n, 0);
        if (k < 0) return -errno;
        total += k;
    }
    return total;
}

int64_t cl_select_rounds(struct cl_scanset *s, int64_t iters) {
    if (!s->selectable) return -ERANGE;
    fd_set readable;
    struct timeval zero;
    int64_t total = 0;
    for (int64_t i = 0; i < iters; i++) {
        memcpy(&readable, &s->template_set, sizeof readable);
        zero = (struct timeval) { 0, 0 };
        int k = select(s->maxfd + 1, &readable, NULL, NULL, &zero);
        if (k < 0) return -errno;
        total += k;
    }
    return total;
}

/* The fd_set copy that every select round does, without the call: select's baseline. */
int64_t cl_select_copy_baseline(struct cl_scanset *s, int64_t iters) {
    fd_set readable;
    int64_t total = 0;
    for (int64_t i = 0; i < iters; i++) {
        memcpy(&readable, &s->template_set, sizeof readable);
        __asm__ volatile("" : : "r"(&readable) : "memory");
        total += readable.fds_bits[0] & 1;
    }
    return total;
}
