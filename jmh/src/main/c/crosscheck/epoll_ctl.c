/*
 * An independent C loop for the epoll suite: epoll_ctl ADD then DEL of one spare eventfd against
 * an epoll instance holding N registered eventfds (N = 1000 by default), the figure that
 * io.contextlab.epoll.EpollCtl.addDel measures through the native library. Written separately
 * from epoll.c on purpose: it shares no code with what it checks. Timed with clock_gettime
 * around rounds of calls; every round's figure is printed on one text line, which
 * io.contextlab.lab.references.EpollReference reads (median):
 *   epoll_ctl_add_del n=<N> pairs=<per round> ns/op: <round 1> <round 2> ...
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 1000;
    long iters = argc > 2 ? atol(argv[2]) : 200000;
    enum { ROUNDS = 11 };

    struct rlimit lim;
    getrlimit(RLIMIT_NOFILE, &lim);
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);

    int epfd = epoll_create1(0);
    if (epfd < 0) { perror("epoll_create1"); return 1; }
    for (int i = 0; i < n; i++) {
        int fd = eventfd(0, EFD_NONBLOCK);
        struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (unsigned) i };
        if (fd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0) { perror("registering eventfds"); return 1; }
    }
    int spare = eventfd(0, EFD_NONBLOCK);
    struct epoll_event ev = { .events = EPOLLIN, .data.u32 = ~0u };

    double per_op[ROUNDS];
    for (int r = -1; r < ROUNDS; r++) {  /* round -1 warms up */
        double t0 = now_ns();
        for (long i = 0; i < iters; i++) {
            if (epoll_ctl(epfd, EPOLL_CTL_ADD, spare, &ev) != 0 || epoll_ctl(epfd, EPOLL_CTL_DEL, spare, NULL) != 0) {
                perror("epoll_ctl");
                return 1;
            }
        }
        if (r >= 0) per_op[r] = (now_ns() - t0) / iters;
    }
    printf("epoll_ctl_add_del n=%d pairs=%ld ns/op:", n, iters);
    for (int r = 0; r < ROUNDS; r++) printf(" %.3f", per_op[r]);
    printf("\n");
    return 0;
}
