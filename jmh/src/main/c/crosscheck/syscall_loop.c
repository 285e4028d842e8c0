/*
 * An independent lmbench-style C loop for the syscall suite: the same calls as syscalls.c,
 * timed here with clock_gettime around N iterations, best of several rounds. Printed as JSON
 * lines that scripts/crosscheck/syscalls.sh hands to the run directory.
 */
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

/* Median of rounds, the same statistic a JMH average over iterations approaches. */
static int cmp(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

static void measure(const char *check, const char *benchmark, void (*fn)(long), long n) {
    enum { ROUNDS = 11 };
    double per_op[ROUNDS];
    fn(n / 10); /* warm caches and the page tables */
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = now_ns();
        fn(n);
        per_op[r] = (now_ns() - t0) / n;
    }
    qsort(per_op, ROUNDS, sizeof per_op[0], cmp);
    printf("{\"check\":\"%s\",\"benchmark\":\"%s\",\"reference\":\"C loop, median of %d rounds of %ld calls\","
           "\"ns_per_op\":%.3f,\"min_ns_per_op\":%.3f,\"tolerance\":0.15}\n",
           check, benchmark, ROUNDS, n, per_op[ROUNDS / 2], per_op[0]);
    fflush(stdout);
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    zero_fd = open("/dev/zero", O_RDONLY);
    null_fd = open("/dev/null", O_WRONLY);
    if (zero_fd < 0 || null_fd < 0) { perror("open"); return 1; }
    measure("getppid", "io.contextlab.syscalls.SyscallLoops.getppid", do_getppid, n);
    measure("read 1 byte /dev/zero", "io.contextlab.syscalls.SyscallLoops.read1ByteDevZero", do_read1, n);
    measure("write 1 byte /dev/null", "io.contextlab.syscalls.SyscallLoops.write1ByteDevNull", do_write1, n);
    measure("clock_gettime vDSO", "io.contextlab.syscalls.SyscallLoops.clockGettimeVdso", do_clock, n * 10);
    return 0;
}
