/*
 * An independent swapcontext ping-pong for the switch suite's ucontext rung: the same two
 * contexts and the same loop as ucontext_switch.c, written again stand-alone and timed here with
 * clock_gettime over rounds. io.contextlab.lab.references.SwitchesReference runs it alone for
 * the time, and twice under `perf stat -e syscalls:sys_enter_rt_sigprocmask` — once with n round
 * trips, once with none — so that perf, not our own counter, says how many rt_sigprocmask calls
 * a switch makes.
 *
 *   swapcontext_loop <round trips per round>
 * prints one text line, every round's figure (ns per one-way switch) and the round trips made in
 * all, warm-up included (0 and no rounds when n is 0):
 *   swapcontext round_trips=<total> ns/switch: <round 1> <round 2> ...
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

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100000;
    static char stack[STACK_BYTES] __attribute__((aligned(16)));
    getcontext(&coroutine);
    coroutine.uc_stack.ss_sp = stack;
    coroutine.uc_stack.ss_size = sizeof stack;
    makecontext(&coroutine, pong, 0);
    if (n == 0) {  /* the baseline run for perf stat: start-up syscalls only */
        printf("swapcontext round_trips=0 ns/switch:\n");
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
    if (resumed != total) { fprintf(stderr, "swapcontext_loop: %ld resumes for %ld round trips\n", (long) resumed, total); return 1; }
    printf("swapcontext round_trips=%ld ns/switch:", total);
    for (int r = 0; r < ROUNDS; r++) printf(" %.3f", per_switch[r]);
    printf("\n");
    return 0;
}
