/*
 * Syscall and call-cost loops. Each loop runs entirely in C so that the kernel entry (or the
 * call) is measured without a Java->native crossing per operation; Java calls a loop once per
 * JMH invocation and divides by the count (@OperationsPerInvocation).
 *
 * Every loop returns something derived from every iteration so the compiler cannot drop it.
 */
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/syscall.h>

/* noipa: gcc must neither inline this nor specialise it from what it sees at the call site. */
__attribute__((noipa)) int64_t cl_empty_function(int64_t x) {
    return x + 1;
}

/* The loop itself, with nothing in it: the baseline every loop below carries. */
int64_t cl_loop_empty(int64_t n) {
    int64_t acc = 0;
    for (int64_t i = 0; i < n; i++) {
        __asm__ volatile("" : "+r"(acc));
        acc++;
    }
    return acc;
}

int64_t cl_loop_call(int64_t n) {
    int64_t acc = 0;
    for (int64_t i = 0; i < n; i++)
        acc = cl_empty_function(acc);
    return acc;
}

/* syscall(2) rather than getppid(): the raw entry, with no libc caching possible. */
int64_t cl_loop_getppid(int64_t n) {
    int64_t acc = 0;
    for (int64_t i = 0; i < n; i++)
        acc += syscall(SYS_getppid);
    return acc;
}

/* Returns the number of bytes read, so a test can prove every read happened. */
int64_t cl_loop_read1(int fd, int64_t n) {
    char byte;
    int64_t total = 0;
    for (int64_t i = 0; i < n; i++) {
        ssize_t got = read(fd, &byte, 1);
        if (got < 0) return -1;
        total += got;
    }
    return total;
}

int64_t cl_loop_write1(int fd, int64_t n) {
    const char byte = 'x';
    int64_t total = 0;
    for (int64_t i = 0; i < n; i++) {
        ssize_t put = write(fd, &byte, 1);
        if (put < 0) return -1;
        total += put;
    }
    return total;
}

/* vDSO: no kernel entry while the clocksource is one user space can read (tsc, kvm-clock). */
int64_t cl_loop_clock_gettime(int64_t n) {
    struct timespec ts;
    int64_t acc = 0;
    for (int64_t i = 0; i < n; i++) {
        clock_gettime(CLOCK_MONOTONIC, &ts);
        acc += ts.tv_nsec;
    }
    return acc;
}

int cl_open(const char *path, int flags) {
    return open(path, flags | O_CLOEXEC);
}

int cl_close(int fd) {
    return close(fd);
}
