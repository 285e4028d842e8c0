/*
 * An independent swapcontext ping-pong for the switch suite's ucontext rung: the same two
 * contexts and the same loop as ucontext_switch.c, written again stand-alone and timed here with
 * clock_gettime (median of rounds). scripts/crosscheck/switches.sh runs it twice under
 * `perf stat -e syscalls:sys_enter_rt_sigprocmask` — once with n round trips, once with none —
 * so that perf, not our own counter, says how many rt_sigprocmask calls a switch makes.
 *
 *   swapcontext_loop <round trips per round>
 * prints: <ns per one-way switch, median> <total round trips performed>
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <ucontext.h>

enum { ROUNDS = 11, STACK_BYTES = 256 * 1024 };

static ucontext_t caller, coroutine;
static volatile int64_t resumed;

static void pong(void) {
    for (;;) {
        resumed++;
        swapcontext(&coroutine, &caller);
    }
}

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100000;
    static char stack[STACK_BYTES] __attribute__((aligned(16)));
    getcontext(&coroutine);
    coroutine.uc_stack.ss_sp = stack;
    coroutine.uc_stack.ss_size = sizeof stack;
    makecontext(&coroutine, pong, 0);
    if (n == 0) {  /* the baseline run for perf stat: start-up syscalls only */
        printf("0 0\n");
        return 0;
    }
    long total = 0;
    for (long i = 0; i < n / 10; i++) swapcontext(&caller, &coroutine);  /* warm-up */
    total += n / 10;
    double per_switch[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = now_ns();
        for (long i = 0; i < n; i++) swapcontext(&caller, &coroutine);
        per_switch[r] = (now_ns() - t0) / (2.0 * n);
        total += n;
    }
    qsort(per_switch, ROUNDS, sizeof per_switch[0], cmp);
    if (resumed != total) { fprintf(stderr, "swapcontext_loop: %ld resumes for %ld round trips\n", (long) resumed, total); return 1; }
    printf("%.3f %ld\n", per_switch[ROUNDS / 2], total);
    return 0;
}
