/*
 * The thundering herd on accept: k waiter threads wait for connections on 127.0.0.1 in one of
 * five ways, a client (the caller's thread) connects one connection at a time, and every waiter
 * counts how often it came back from waiting (a wake-up), how many connections it accepted, and
 * how often it came back with nothing to accept (a spurious wake-up).
 *
 *   HERD_ACCEPT          all k block in accept(2) on one listener (the kernel queues them
 *                        exclusively, FIFO: one is woken per connection)
 *   HERD_SHARED_EPOLL    all k in epoll_wait on one shared epoll fd, listener level-triggered
 *   HERD_EPOLL_EACH      one epoll fd per waiter, each watching the listener (the herd itself:
 *                        every epoll fd's callback wakes its waiter)
 *   HERD_EPOLL_EXCLUSIVE one epoll fd per waiter with EPOLLEXCLUSIVE (Linux 4.5)
 *   HERD_REUSEPORT       k listeners on one port with SO_REUSEPORT, each blocking in accept on
 *                        its own; the kernel picks the listener by hashing the connection
 *
 * Waiters woken by epoll accept with a non-blocking accept4 until EAGAIN, so a waiter that lost
 * the race returns at once and is counted as spurious instead of blocking. A blocking accept(2)
 * cannot be woken for nothing as seen from user space: the kernel re-sleeps inside accept.
 *
 * The client waits for each connection to be accepted, then for a settle gap, before the next,
 * so that the wake-ups a connection causes are over before the next one arrives. Every wait is
 * bounded: a round fails with -ETIMEDOUT rather than hang.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <stdio.h>

enum { HERD_ACCEPT, HERD_SHARED_EPOLL, HERD_EPOLL_EACH, HERD_EPOLL_EXCLUSIVE, HERD_REUSEPORT };
enum { HERD_MAX_WAITERS = 256 };

/* The layout of cl_herd_round's output array, mirrored in Herd.java. */
enum {
    OUT_CONNECTIONS, OUT_WAKEUPS, OUT_SPURIOUS, OUT_LATENCY_NS, OUT_MAX_WAITER_ACCEPTS,
    OUT_IDLE_WAITERS, OUT_SUM_SQUARED_ACCEPTS, OUT_KERNEL_WAKEUPS, OUT_PER_WAITER
};

struct herd;

struct waiter {
    _Atomic int64_t wakeups;
    _Atomic int64_t accepts;
    _Atomic int64_t spurious;
    struct herd *h;
    int lfd;    /* the listener this waiter accepts from */
    int epfd;   /* its epoll fd (its own, or the shared one), -1 when it blocks in accept */
    pthread_t thread;
    int started;
    _Atomic int tid;  /* for /proc/self/task/<tid>/status */
} __attribute__((aligned(64)));

struct herd {
    int mode, k, pin_cpu;
    int nlisteners;
    int lfds[HERD_MAX_WAITERS];
    int shared_epfd;
    int stopfd;
    struct sockaddr_in addr;
    _Atomic int64_t accepted;
    _Atomic int stop;
    struct waiter *w;
};

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void pin_self(int cpu) {
    if (cpu < 0) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof set, &set);
}

/* RST instead of FIN: neither side keeps a TIME_WAIT entry, so a long run cannot exhaust ports. */
static void close_now(int fd) {
    struct linger hard = { .l_onoff = 1, .l_linger = 0 };
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    close(fd);
}

static void *wait_in_accept(struct waiter *w) {
    struct herd *h = w->h;
    for (;;) {
        int c = accept4(w->lfd, NULL, NULL, SOCK_CLOEXEC);
        if (atomic_load(&h->stop)) { if (c >= 0) close_now(c); break; }
        atomic_fetch_add_explicit(&w->wakeups, 1, memory_order_relaxed);
        if (c >= 0) {
            close_now(c);
            atomic_fetch_add_explicit(&w->accepts, 1, memory_order_relaxed);
            atomic_fetch_add(&h->accepted, 1);
        } else {
            atomic_fetch_add_explicit(&w->spurious, 1, memory_order_relaxed);
        }
    }
    return NULL;
}

static void *wait_in_epoll(struct waiter *w) {
    struct herd *h = w->h;
    struct epoll_event ev[2];
    for (;;) {
        int n = epoll_wait(w->epfd, ev, 2, -1);
        if (atomic_load(&h->stop)) break;
        if (n <= 0) continue;  /* EINTR */
        int listener_ready = 0;
        for (int i = 0; i < n; i++) listener_ready |= ev[i].data.u32 == 0;
        if (!listener_ready) continue;
        atomic_fetch_add_explicit(&w->wakeups, 1, memory_order_relaxed);
        int64_t got = 0;
        int c;
        while ((c = accept4(w->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
            close_now(c);
            got++;
        }
        if (got) {
            atomic_fetch_add_explicit(&w->accepts, got, memory_order_relaxed);
            atomic_fetch_add(&h->accepted, got);
        } else {
            atomic_fetch_add_explicit(&w->spurious, 1, memory_order_relaxed);
        }
    }
    return NULL;
}

static void *waiter_main(void *arg) {
    struct waiter *w = arg;
    atomic_store(&w->tid, (int) syscall(SYS_gettid));
    pin_self(w->h->pin_cpu);
    return w->epfd >= 0 ? wait_in_epoll(w) : wait_in_accept(w);
}

static int listener(struct herd *h, int reuseport, int nonblocking) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0);
    if (fd < 0) return -errno;
    int one = 1;
    if (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) goto fail;
    if (bind(fd, (struct sockaddr *) &h->addr, sizeof h->addr) != 0) goto fail;
    if (listen(fd, 128) != 0) goto fail;
    socklen_t len = sizeof h->addr;
    if (getsockname(fd, (struct sockaddr *) &h->addr, &len) != 0) goto fail;  /* port 0 -> the port */
    return fd;
fail:;
    int err = -errno;
    close(fd);
    return err;
}

static int watch(int epfd, int fd, uint32_t events, uint32_t tag) {
    struct epoll_event ev = { .events = events, .data.u32 = tag };
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == 0 ? 0 : -errno;
}

void cl_herd_stop(struct herd *h);

/* Starts k waiters in the given mode; pin_cpu >= 0 pins every waiter to that CPU.
 * Returns the herd or -errno. */
intptr_t cl_herd_start(int mode, int k, int pin_cpu) {
    if (k < 1 || k > HERD_MAX_WAITERS || mode < HERD_ACCEPT || mode > HERD_REUSEPORT) return -EINVAL;
    struct herd *h = calloc(1, sizeof *h);
    if (!h) return -ENOMEM;
    h->mode = mode;
    h->k = k;
    h->pin_cpu = pin_cpu;
    h->shared_epfd = -1;
    h->stopfd = -1;
    h->addr.sin_family = AF_INET;
    h->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    h->w = aligned_alloc(64, sizeof(struct waiter) * (size_t) k);
    if (!h->w) { free(h); return -ENOMEM; }
    memset(h->w, 0, sizeof(struct waiter) * (size_t) k);
    int err = 0;
    int epoll_mode = mode == HERD_SHARED_EPOLL || mode == HERD_EPOLL_EACH || mode == HERD_EPOLL_EXCLUSIVE;

    h->nlisteners = mode == HERD_REUSEPORT ? k : 1;
    for (int i = 0; i < h->nlisteners; i++) {
        int fd = listener(h, mode == HERD_REUSEPORT, epoll_mode);
        if (fd < 0) { err = fd; goto fail; }
        h->lfds[i] = fd;
    }
    if (epoll_mode) {
        h->stopfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (h->stopfd < 0) { err = -errno; goto fail; }
    }
    if (mode == HERD_SHARED_EPOLL) {
        h->shared_epfd = epoll_create1(EPOLL_CLOEXEC);
        if (h->shared_epfd < 0) { err = -errno; goto fail; }
        if ((err = watch(h->shared_epfd, h->lfds[0], EPOLLIN, 0)) != 0) goto fail;
        if ((err = watch(h->shared_epfd, h->stopfd, EPOLLIN, 1)) != 0) goto fail;
    }
    for (int i = 0; i < k; i++) {
        struct waiter *w = &h->w[i];
        w->h = h;
        w->lfd = h->lfds[mode == HERD_REUSEPORT ? i : 0];
        w->epfd = -1;
        if (mode == HERD_SHARED_EPOLL) w->epfd = h->shared_epfd;
        if (mode == HERD_EPOLL_EACH || mode == HERD_EPOLL_EXCLUSIVE) {
            w->epfd = epoll_create1(EPOLL_CLOEXEC);
            if (w->epfd < 0) { err = -errno; goto fail; }
            uint32_t flags = EPOLLIN | (mode == HERD_EPOLL_EXCLUSIVE ? EPOLLEXCLUSIVE : 0);
            if ((err = watch(w->epfd, w->lfd, flags, 0)) != 0) goto fail;
            if ((err = watch(w->epfd, h->stopfd, EPOLLIN, 1)) != 0) goto fail;
        }
    }
    for (int i = 0; i < k; i++) {
        if ((err = -pthread_create(&h->w[i].thread, NULL, waiter_main, &h->w[i])) != 0) goto fail;
        h->w[i].started = 1;
    }
    return (intptr_t) h;
fail:
    cl_herd_stop(h);
    return err;
}

int cl_herd_port(struct herd *h) { return ntohs(h->addr.sin_port); }

void cl_herd_stop(struct herd *h) {
    if (!h) return;
    atomic_store(&h->stop, 1);
    if (h->stopfd >= 0) {
        const uint64_t one = 1;
        if (write(h->stopfd, &one, sizeof one) < 0) { /* the waiters would hang: nothing better to do */ }
    }
    /* shutdown wakes a thread blocked in accept(2) on that listener (it returns EINVAL). */
    for (int i = 0; i < h->nlisteners; i++) if (h->lfds[i] > 0) shutdown(h->lfds[i], SHUT_RDWR);
    for (int i = 0; i < h->k; i++) if (h->w[i].started) pthread_join(h->w[i].thread, NULL);
    for (int i = 0; i < h->k; i++)
        if (h->w[i].epfd >= 0 && h->w[i].epfd != h->shared_epfd) close(h->w[i].epfd);
    if (h->shared_epfd >= 0) close(h->shared_epfd);
    if (h->stopfd >= 0) close(h->stopfd);
    for (int i = 0; i < h->nlisteners; i++) if (h->lfds[i] > 0) close(h->lfds[i]);
    free(h->w);
    free(h);
}

/*
 * Times the thread went to sleep voluntarily (voluntary_ctxt_switches in its /proc status): every
 * such sleep of a waiter ends with a wake-up, including the ones the kernel absorbs (epoll
 * re-polls the listener before returning and goes back to sleep if another waiter took the
 * connection; accept re-sleeps the same way), which user space never sees as a return.
 */
static int64_t voluntary_switches(int tid) {
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/self/task/%d/status", tid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t len = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (len <= 0) return -1;
    buf[len] = 0;
    static const char key[] = "\nvoluntary_ctxt_switches:";
    const char *at = strstr(buf, key);
    return at ? strtoll(at + sizeof key - 1, NULL, 10) : -1;
}

/* Waits (spinning, yielding the CPU) until `accepted` passes `target` or the deadline passes. */
static int wait_accepted(struct herd *h, int64_t target, int64_t deadline) {
    for (unsigned spins = 0;; spins++) {
        if (atomic_load(&h->accepted) >= target) return 0;
        if ((spins & 63) == 63 && now_ns() > deadline) return -ETIMEDOUT;
        sched_yield();
    }
}

/*
 * Connects to the herd's listener. Two failures are not what they seem:
 * - ECONNRESET: the handshake completed, a waiter accepted the connection and reset it (the
 *   waiters close with SO_LINGER 0) before this thread came back from connect(). It was
 *   accepted: return the socket and let wait_accepted() confirm it.
 * - ECONNREFUSED: the SYN was answered with a reset (seen under heavy load); no waiter saw it,
 *   so a fresh socket tries again, at most three times.
 */
static int connect_to_herd(const struct sockaddr_in *addr) {
    int err = 0;
    for (int attempt = 0; attempt < 3; attempt++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) return -errno;
        if (connect(fd, (const struct sockaddr *) addr, sizeof *addr) == 0 || errno == ECONNRESET) return fd;
        err = -errno;
        close(fd);
        if (err != -ECONNREFUSED) break;
    }
    return err;
}

/*
 * One round: `connections` connections, one at a time, each followed by gap_us of quiet. Fills
 * out[] (OUT_* above, then k per-waiter accept counts) with this round's deltas.
 * Returns 0, or -errno / -ETIMEDOUT if a connection was not accepted within timeout_ms.
 */
int cl_herd_round(struct herd *h, int connections, int gap_us, int timeout_ms, int64_t *out) {
    int64_t w0[HERD_MAX_WAITERS], a0[HERD_MAX_WAITERS], s0[HERD_MAX_WAITERS], v0[HERD_MAX_WAITERS];
    for (int i = 0; i < h->k; i++) {
        while (atomic_load(&h->w[i].tid) == 0) sched_yield();  /* a waiter just started */
        v0[i] = voluntary_switches(atomic_load(&h->w[i].tid));
        w0[i] = atomic_load(&h->w[i].wakeups);
        a0[i] = atomic_load(&h->w[i].accepts);
        s0[i] = atomic_load(&h->w[i].spurious);
    }
    pin_self(h->pin_cpu);
    struct timespec gap = { .tv_sec = gap_us / 1000000, .tv_nsec = (long) (gap_us % 1000000) * 1000 };
    int64_t latency = 0;
    int64_t base = atomic_load(&h->accepted);
    int err = 0;
    for (int c = 0; c < connections; c++) {
        int64_t t0 = now_ns();
        int fd = connect_to_herd(&h->addr);
        if (fd < 0) return fd;
        err = wait_accepted(h, base + c + 1, t0 + (int64_t) timeout_ms * 1000000);
        latency += now_ns() - t0;
        close_now(fd);
        if (err) return err;
        nanosleep(&gap, NULL);
    }
    memset(out, 0, sizeof(int64_t) * (size_t) (OUT_PER_WAITER + h->k));
    out[OUT_CONNECTIONS] = connections;
    out[OUT_LATENCY_NS] = latency;
    for (int i = 0; i < h->k; i++) {
        int64_t accepts = atomic_load(&h->w[i].accepts) - a0[i];
        out[OUT_WAKEUPS] += atomic_load(&h->w[i].wakeups) - w0[i];
        out[OUT_SPURIOUS] += atomic_load(&h->w[i].spurious) - s0[i];
        if (accepts > out[OUT_MAX_WAITER_ACCEPTS]) out[OUT_MAX_WAITER_ACCEPTS] = accepts;
        if (accepts == 0) out[OUT_IDLE_WAITERS]++;
        out[OUT_SUM_SQUARED_ACCEPTS] += accepts * accepts;
        out[OUT_PER_WAITER + i] = accepts;
        int64_t v1 = voluntary_switches(atomic_load(&h->w[i].tid));
        out[OUT_KERNEL_WAKEUPS] += v0[i] >= 0 && v1 >= 0 ? v1 - v0[i] : 0;
    }
    return 0;
}
