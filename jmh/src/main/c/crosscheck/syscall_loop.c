/*
 * An independent lmbench-style C loop for the syscall suite: the same calls as syscalls.c,
 * timed here with clock_gettime around N iterations, several rounds. Prints one text line per
 * call and process kind, every round's figure (io.contextlab.lab.references.SyscallsReference
 * reads them and takes the median):
 *   <call> threads=<1|2> calls=<per round> ns/op: <round 1> <round 2> ...
 *
 * Usage: syscall_loop [calls per round] [call]: with a call (getppid, read1, write1,
 * clock_gettime), only that call's two lines, as the paired checks run it beside one JMH iteration.
 *
 * Each call is measured twice: first in a single-threaded process (what lmbench reports), then
 * after starting one idle thread. The second is the JVM's condition and the one compared with
 * JMH: once a process has a second thread its fd table is shared, and every read/write must
 * take and drop a reference on the struct file (fdget's single-threaded fast path is gone).
 */
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static volatile long sink;

static void do_getppid(long n) { long a = 0; for (long i = 0; i < n; i++) a += syscall(SYS_getppid); sink = a; }

static int zero_fd, null_fd;
static void do_read1(long n) { char b; long a = 0; for (long i = 0; i < n; i++) a += read(zero_fd, &b, 1); sink = a; }
static void do_write1(long n) { char b = 'x'; long a = 0; for (long i = 0; i < n; i++) a += write(null_fd, &b, 1); sink = a; }
static void do_clock(long n) {
    struct timespec ts; long a = 0;
    for (long i = 0; i < n; i++) { clock_gettime(CLOCK_MONOTONIC, &ts); a += ts.tv_nsec; }
    sink = a;
}

static const char *only;   /* one call's lines only; NULL: every call */

static void measure(const char *call, void (*fn)(long), long n, int multi_threaded) {
    if (only && strcmp(only, call) != 0) return;
    enum { ROUNDS = 11 };
    double per_op[ROUNDS];
    fn(n / 10); /* warm caches and the page tables */
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = now_ns();
        fn(n);
        per_op[r] = (now_ns() - t0) / n;
    }
    printf("%s threads=%d calls=%ld ns/op:", call, multi_threaded ? 2 : 1, n);
    for (int r = 0; r < ROUNDS; r++) printf(" %.3f", per_op[r]);
    printf("\n");
    fflush(stdout);
}

static void *idle_thread(void *arg) {
    (void) arg;
    for (;;) pause();
    return NULL;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    only = argc > 2 ? argv[2] : NULL;
    if (n < 10 || (only && strcmp(only, "getppid") && strcmp(only, "read1") && strcmp(only, "write1")
                   && strcmp(only, "clock_gettime"))) {
        fprintf(stderr, "usage: syscall_loop [calls per round, >= 10] [getppid|read1|write1|clock_gettime]\n");
        return 2;
    }
    zero_fd = open("/dev/zero", O_RDONLY);
    null_fd = open("/dev/null", O_WRONLY);
    if (zero_fd < 0 || null_fd < 0) { perror("open"); return 1; }
    for (int multi_threaded = 0; multi_threaded <= 1; multi_threaded++) {
        if (multi_threaded) {
            pthread_t idle;
            if (pthread_create(&idle, NULL, idle_thread, NULL) != 0) { perror("pthread_create"); return 1; }
        }
        measure("getppid", do_getppid, n, multi_threaded);
        measure("read1", do_read1, n, multi_threaded);
        measure("write1", do_write1, n, multi_threaded);
        measure("clock_gettime", do_clock, n * 10, multi_threaded);
    }
    return 0;
}
