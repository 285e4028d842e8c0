/*
 * Independent references for the epoll suite's readiness calls, written again here (no code
 * shared with jmh/src/main/c/epoll.c or pollselect.c). Every fd is an eventfd; every call has
 * timeout 0 and nothing is ever read back, so a ready fd stays ready.
 *   select       fds=F: select(2) over F eventfds, the last one readable, the fd_set copied from
 *                a template before every call (select overwrites it)      SelectScan.select
 *   poll         n=N: poll(2) over N eventfds, the last one readable         PollScan.poll
 *   epoll_wait_one_ready  n=N: epoll_wait on N registered (level-triggered), one readable,
 *                maxevents N                                                 PollScan.epollWait
 *   epoll_wait_lt  registered=10000 r=R: one "harvest" = epoll_wait calls with maxevents =
 *                registered until R events are collected, R fds readable    EpollWaitLevel
 * Figures are ns per call (per harvest for epoll_wait_lt), the benchmarks' ns/op. Each round
 * makes as many calls as fill about 3 ms (calibrated once, printed as calls=).
 *
 * Every figure is measured twice, as syscall_loop.c does: first in a single-threaded process,
 * then after starting one idle thread (threads=2), the condition of a JMH fork and the one its
 * figures are compared with. Once a second thread shares the fd table, the kernel's fdget can no
 * longer skip the reference count: poll and select take and drop a reference on every fd they
 * watch, on every call; epoll_wait on the epoll fd alone.
 *
 *   scan_loops [--threads 1|2] [--only FIGURE:VALUE]
 *       prints one line per figure and process kind, 11 rounds each (--threads: that kind only,
 *       for comparing them by hand; --only: that figure at that setting only, e.g. select:900,
 *       as the paired checks run it beside one JMH iteration):
 *   <figure> threads=<1|2> <setting>=<value> calls=<per round> ns/op: <round 1> <round 2> ...
 */
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

enum { ROUNDS = 11, REGISTERED = 10000 };

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what) { perror(what); exit(1); }

static int new_eventfd(int ready) {
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0) die("eventfd (raise the open-files limit: ulimit -n)");
    const uint64_t one = 1;
    if (ready && write(fd, &one, sizeof one) != sizeof one) die("write");
    return fd;
}

/* One figure's state: the call to time and what it needs. */
struct scan {
    int n, r, maxfd, epfd;
    struct pollfd *pfds;
    fd_set template_set;
    struct epoll_event *out;
};

/* calls select calls (the fd_set copied from the template first) or poll calls over every fd. */
static long scan_calls(struct scan *s, long calls, int use_select) {
    long got = 0;
    fd_set set;
    for (long i = 0; i < calls; i++) {
        int k;
        if (use_select) {
            memcpy(&set, &s->template_set, sizeof set);
            struct timeval zero = {0, 0};
            k = select(s->maxfd + 1, &set, NULL, NULL, &zero);
        } else {
            k = poll(s->pfds, (nfds_t) s->n, 0);
        }
        if (k < 0) die(use_select ? "select" : "poll");
        got += k;
    }
    return got;
}

static long select_calls(struct scan *s, long calls) { return scan_calls(s, calls, 1); }
static long poll_calls(struct scan *s, long calls) { return scan_calls(s, calls, 0); }

/* calls harvests of r events (one call each when maxevents >= r). */
static long epoll_calls(struct scan *s, long calls) {
    long got = 0;
    for (long i = 0; i < calls; i++) {
        int round = 0;
        while (round < s->r) {
            int k = epoll_wait(s->epfd, s->out, s->n, 0);
            if (k < 0) die("epoll_wait");
            if (k == 0) { fprintf(stderr, "scan_loops: epoll_wait found %d of %d ready\n", round, s->r); exit(1); }
            round += k;
        }
        got += round;
    }
    return got;
}

static struct scan *scan_open(int n, int ready, int with_epoll) {
    struct scan *s = calloc(1, sizeof *s);
    s->n = n;
    s->r = ready;
    s->pfds = calloc((size_t) n, sizeof *s->pfds);
    s->out = calloc((size_t) n, sizeof *s->out);
    if (!s->pfds || !s->out) die("calloc");
    FD_ZERO(&s->template_set);
    s->epfd = with_epoll ? epoll_create1(EPOLL_CLOEXEC) : -1;
    if (with_epoll && s->epfd < 0) die("epoll_create1");
    for (int i = 0; i < n; i++) {
        int fd = new_eventfd(i >= n - ready);   /* the last `ready` fds are readable */
        s->pfds[i] = (struct pollfd) {.fd = fd, .events = POLLIN};
        if (fd > s->maxfd) s->maxfd = fd;
        if (fd < FD_SETSIZE) FD_SET(fd, &s->template_set);
        if (with_epoll) {
            struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t) i};
            if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) die("epoll_ctl");
        }
    }
    return s;
}

static void scan_close(struct scan *s) {
    for (int i = 0; i < s->n; i++) close(s->pfds[i].fd);
    if (s->epfd >= 0) close(s->epfd);
    free(s->pfds);
    free(s->out);
    free(s);
}

/* 1 before the idle thread starts, 2 after: printed as threads=. */
static int threads = 1;

static void measure(const char *name, const char *setting, int value, struct scan *s, long (*fn)(struct scan *, long)) {
    fn(s, 16);
    double t0 = now_ns();
    fn(s, 16);
    double per_call = (now_ns() - t0) / 16;
    long calls = (long) (3e6 / (per_call > 1 ? per_call : 1));
    if (calls < 16) calls = 16;
    double per_op[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        t0 = now_ns();
        fn(s, calls);
        per_op[r] = (now_ns() - t0) / calls;
    }
    printf("%s threads=%d %s=%d calls=%ld ns/op:", name, threads, setting, value, calls);
    for (int r = 0; r < ROUNDS; r++) printf(" %.1f", per_op[r]);
    printf("\n");
    fflush(stdout);
}

static void *idle_thread(void *arg) {
    (void) arg;
    for (;;) pause();
    return NULL;
}

static const char *only_figure;   /* --only: one figure at one setting; NULL: all */
static int only_value;

static int wanted(const char *figure, int value) {
    return !only_figure || (!strcmp(only_figure, figure) && only_value == value);
}

/* Every figure once (or the one --only names), in the process's present kind (threads). */
static int measure_all(void) {
    static const int select_fds[] = {10, 900};
    for (int i = 0; i < 2; i++) {   /* first, while every fd number is below FD_SETSIZE */
        if (!wanted("select", select_fds[i])) continue;
        struct scan *s = scan_open(select_fds[i], 1, 0);
        if (s->maxfd >= FD_SETSIZE) { fprintf(stderr, "scan_loops: fd %d is beyond select's FD_SETSIZE\n", s->maxfd); return 1; }
        measure("select", "fds", select_fds[i], s, select_calls);
        scan_close(s);
    }
    static const int poll_n[] = {10, 1000};
    for (int i = 0; i < 2; i++) {
        int p = wanted("poll", poll_n[i]), e = wanted("epoll_wait_one_ready", poll_n[i]);
        if (!p && !e) continue;
        struct scan *s = scan_open(poll_n[i], 1, 1);
        if (p) measure("poll", "n", poll_n[i], s, poll_calls);
        if (e) measure("epoll_wait_one_ready", "n", poll_n[i], s, epoll_calls);
        scan_close(s);
    }
    static const int ready[] = {1, 100};
    for (int i = 0; i < 2; i++) {
        if (!wanted("epoll_wait_lt", ready[i])) continue;
        struct scan *s = scan_open(REGISTERED, ready[i], 1);
        measure("epoll_wait_lt", "r", ready[i], s, epoll_calls);
        scan_close(s);
    }
    return 0;
}

int main(int argc, char **argv) {
    int only = 0;   /* 0: both kinds, single-threaded first */
    for (int a = 1; a < argc; a += 2) {
        char *colon = a + 1 < argc ? strchr(argv[a + 1], ':') : NULL;
        if (a + 1 < argc && !strcmp(argv[a], "--threads") && (!strcmp(argv[a + 1], "1") || !strcmp(argv[a + 1], "2"))) {
            only = argv[a + 1][0] - '0';
        } else if (a + 1 < argc && !strcmp(argv[a], "--only") && colon && atoi(colon + 1) > 0) {
            *colon = 0;
            only_figure = argv[a + 1];
            only_value = atoi(colon + 1);
        } else {
            fprintf(stderr, "usage: scan_loops [--threads 1|2] [--only select|poll|epoll_wait_one_ready|epoll_wait_lt:VALUE]"
                            " (no option: every figure, both kinds, single-threaded first)\n");
            return 2;
        }
    }
    struct rlimit nofile;
    if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
        nofile.rlim_cur = nofile.rlim_max;
        setrlimit(RLIMIT_NOFILE, &nofile);
    }
    for (int kind = 1; kind <= 2; kind++) {
        if (only && kind != only) continue;
        if (kind == 2) {   /* an idle thread: from here on the fd table is shared, as in a JVM */
            pthread_t idle;
            if (pthread_create(&idle, NULL, idle_thread, NULL) != 0) { perror("pthread_create"); return 1; }
            threads = 2;
        }
        if (measure_all() != 0) return 1;
    }
    return 0;
}
