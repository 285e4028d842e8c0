/*
 * An independent thundering-herd program for the herd's wake-ups per connection (no code shared
 * with jmh/src/main/c/herd.c): k waiter threads, named herd_waiter, wait on one listener on
 * 127.0.0.1 in one style, and this process's main thread makes n connections one at a time
 * (connect, wait until one is accepted, close with RST, pause 100 us).
 *   accept          every waiter blocks in accept(2) on the listener
 *   epollEach       each waiter has its own epoll fd watching the listener (no exclusivity)
 *   epollExclusive  the same with EPOLLEXCLUSIVE
 * The program counts nothing itself: io.contextlab.lab.references.EpollReference runs it under
 * `perf stat -a -e sched:sched_wakeup --filter 'comm == "herd_waiter"'`, once with n connections
 * and once with none (start-up and exit wake-ups), and divides the difference by n: every wake-up
 * the kernel gave a waiter, including those it absorbed (a waiter that found nothing and slept
 * again inside epoll_wait or accept), as ThunderingHerd's kernelWakeups counts them.
 *
 *   herd_wakeups <style> <k> <n>
 * prints one line:  herd style=<style> k=<k> connections=<n> accepted: <n>
 */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { ACCEPT, EPOLL_EACH, EPOLL_EXCLUSIVE };
static int style, listener;
static atomic_long accepted;

static void die(const char *what) { perror(what); exit(1); }

static void close_rst(int fd) {
    struct linger l = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close(fd);
}

static void *waiter(void *arg) {
    (void) arg;
    if (style == ACCEPT) {
        for (;;) {
            int c = accept(listener, NULL, NULL);
            if (c >= 0) { close_rst(c); atomic_fetch_add(&accepted, 1); }
        }
    }
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN | (style == EPOLL_EXCLUSIVE ? EPOLLEXCLUSIVE : 0)};
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev) != 0) die("epoll");
    for (;;) {
        struct epoll_event out;
        if (epoll_wait(ep, &out, 1, -1) < 1) continue;
        for (int c; (c = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0;) { close_rst(c); atomic_fetch_add(&accepted, 1); }
    }
    return NULL;
}

static void pause_ns(long ns) {
    struct timespec t = {0, ns};
    nanosleep(&t, NULL);
}

/* A connected socket to addr. A loopback connect now and then fails with ECONNRESET (seen when
 * this program ran inside a JMH fork that had just made thousands of connections of its own,
 * 5 runs in 60): try again, a few times, rather than lose the run. The failed attempt was never
 * accepted; were it to wake a waiter, that wake-up would be counted, spread over n connections. */
static int connect_retrying(struct sockaddr_in *addr) {
    for (int attempt = 1;; attempt++) {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        if (c < 0) die("socket");
        if (connect(c, (struct sockaddr *) addr, sizeof *addr) == 0) return c;
        if (errno != ECONNRESET || attempt == 5) die("connect");
        close(c);
        pause_ns(1000 * 1000);
    }
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: herd_wakeups accept|epollEach|epollExclusive <k> <connections>\n"); return 2; }
    style = !strcmp(argv[1], "accept") ? ACCEPT : !strcmp(argv[1], "epollEach") ? EPOLL_EACH
          : !strcmp(argv[1], "epollExclusive") ? EPOLL_EXCLUSIVE : -1;
    int k = atoi(argv[2]);
    long n = atol(argv[3]);
    if (style < 0 || k < 1 || n < 0) { fprintf(stderr, "herd_wakeups: unknown style or bad count\n"); return 2; }
    listener = socket(AF_INET, SOCK_STREAM | (style == ACCEPT ? 0 : SOCK_NONBLOCK), 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    if (listener < 0 || bind(listener, (struct sockaddr *) &addr, len) != 0 || listen(listener, 128) != 0
        || getsockname(listener, (struct sockaddr *) &addr, &len) != 0) die("listener");
    for (int i = 0; i < k; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, waiter, NULL) != 0) die("pthread_create");
        pthread_setname_np(t, "herd_waiter");
    }
    pause_ns(20 * 1000 * 1000);   /* every waiter asleep before the first connection */
    for (long i = 0; i < n; i++) {
        int c = connect_retrying(&addr);
        struct timespec t0, t;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        while (atomic_load(&accepted) <= i) {   /* spin: the client's own wake-ups stay out of it */
            clock_gettime(CLOCK_MONOTONIC, &t);
            if (t.tv_sec - t0.tv_sec > 2) { fprintf(stderr, "herd_wakeups: connection %ld not accepted in 2 s\n", i); return 1; }
        }
        close_rst(c);
        pause_ns(100 * 1000);
    }
    pause_ns(20 * 1000 * 1000);   /* the last connection's wake-ups end */
    printf("herd style=%s k=%d connections=%ld accepted: %ld\n", argv[1], k, n, (long) atomic_load(&accepted));
    fflush(stdout);
    _exit(0);
}
