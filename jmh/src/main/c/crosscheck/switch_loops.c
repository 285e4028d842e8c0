/*
 * Independent references for the native rungs of the switch ladder (NativeCoroutines): each
 * mechanism written again here, in one plain executable, sharing no code with the measured
 * library (jmh/src/main/c/setjmp_switch.c, asm_switch.S, generator.c):
 *   setjmp          _setjmp/_longjmp ping-pong between main's loop and a coroutine on its own
 *                   stack (entered once through makecontext/swapcontext, then jumps only)
 *   sigsetjmp_mask  the same with sigsetjmp(env, 1)/siglongjmp: the signal mask saved and
 *                   restored on every switch (an rt_sigprocmask each time)
 *   asm_ret         the callee-saved-registers stack switch of switch_loops.S, resuming by ret
 *   asm_jmp         the same switch resuming by pop + indirect jmp
 *   generator       a switch-case (protothread) generator: a resume is a call that jumps on the
 *                   saved line number, a yield is a return
 * Every figure is ns per one-way switch, the unit of NativeCoroutines (@OperationsPerInvocation
 * = 2 x round trips): a round trip (resume + yield) is two switches, and so is a generator
 * resume (the call in, the return out).
 *
 *   switch_loops [round trips per round] [mechanism]   default 100000, every mechanism;
 *                                          sigsetjmp_mask does a tenth
 * prints one line per mechanism, 11 rounds after a warm-up of a tenth of a round:
 *   <mechanism> round_trips=<per round> ns/switch: <round 1> <round 2> ...
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>

#pragma GCC diagnostic ignored "-Wclobbered"

enum { ROUNDS = 11 };
#define STACK_BYTES (256 * 1024)

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void *new_stack(void) {
    void *s = mmap(NULL, STACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (s == MAP_FAILED) { perror("mmap"); exit(1); }
    return s;
}

static volatile int64_t resumed;

/* ---- setjmp / sigsetjmp ------------------------------------------------------------------ */

static sigjmp_buf caller_env, coroutine_env;
static ucontext_t start_caller, start_coroutine;
static int savemask;

static void jump_body(void) {
    if (!sigsetjmp(coroutine_env, savemask)) swapcontext(&start_coroutine, &start_caller);
    for (;;) {
        resumed++;
        if (!sigsetjmp(coroutine_env, savemask)) siglongjmp(caller_env, 1);
    }
}

static void jump_start(int mask) {
    savemask = mask;
    getcontext(&start_coroutine);
    start_coroutine.uc_stack.ss_sp = new_stack();
    start_coroutine.uc_stack.ss_size = STACK_BYTES;
    makecontext(&start_coroutine, jump_body, 0);
    swapcontext(&start_caller, &start_coroutine);
}

__attribute__((noinline)) static void setjmp_loop(long n) {
    for (long i = 0; i < n; i++)
        if (!_setjmp(caller_env)) _longjmp(coroutine_env, 1);
}

__attribute__((noinline)) static void sigsetjmp_mask_loop(long n) {
    for (long i = 0; i < n; i++)
        if (!sigsetjmp(caller_env, 1)) siglongjmp(coroutine_env, 1);
}

/* ---- assembly switch --------------------------------------------------------------------- */

void xc_switch_ret(void **save_sp, void *next_sp);
void xc_switch_jmp(void **save_sp, void *next_sp);
static void (*asm_switch)(void **, void *);
static void *caller_sp, *coroutine_sp;

static void asm_body(void) {
    for (;;) {
        resumed++;
        asm_switch(&coroutine_sp, caller_sp);
    }
}

/* A fresh stack whose top frame looks as if the switch had pushed it, returning into asm_body. */
static void asm_start(void (*fn)(void **, void *)) {
    asm_switch = fn;
    uintptr_t top = ((uintptr_t) new_stack() + STACK_BYTES) & ~(uintptr_t) 15;
    uint64_t *ret = (uint64_t *) (top - 16);   /* after ret, rsp = 8 mod 16, as after a call */
    uint64_t *sp = ret - 7;
    memset(sp, 0, 7 * 8);
    uint32_t mxcsr = 0x1f80;
    uint16_t cw = 0x037f;
    memcpy(sp, &mxcsr, 4);
    memcpy((char *) sp + 4, &cw, 2);
    *ret = (uint64_t) (uintptr_t) asm_body;
    coroutine_sp = sp;
}

__attribute__((noinline)) static void asm_loop(long n) {
    void (*sw)(void **, void *) = asm_switch;
    for (long i = 0; i < n; i++) sw(&caller_sp, coroutine_sp);
}

/* ---- switch-case generator --------------------------------------------------------------- */

/* The protothread form as the article gives it (Begin/Yield/End over a saved line number), the
 * generator's state in a struct on the caller's stack, a new generator per call of the loop, a
 * finished generator answering -1: the form the library's rung has, written again here. A resume
 * is the common case and said so, or gcc may reach it through two taken jumps. */
struct gen { int line; int64_t i, limit; };   /* line: 0 not started, -1 finished */

__attribute__((noipa)) static int64_t gen_next(struct gen *g) {
    switch (__builtin_expect(g->line != 0, 1) ? g->line : 0) {
    case 0:
        for (g->i = 0; g->i < g->limit; g->i++) {
            g->line = 1;   /* the line to resume at: the one case below */
            return g->i;
    case 1:;
        }
    }
    g->line = -1;
    return -1;
}

static int64_t gen_sum;

__attribute__((noinline)) static void generator_loop(long n) {
    struct gen g = {0, 0, INT64_MAX};
    int64_t sum = 0;
    for (long i = 0; i < n; i++) sum += gen_next(&g);
    gen_sum += sum;
}

/* ---- timing ------------------------------------------------------------------------------ */

static const char *only;   /* one mechanism only; NULL: every one */

static void measure(const char *name, void (*loop)(long), long n, int counts_resumes) {
    if (only && strcmp(only, name) != 0) return;
    double per_switch[ROUNDS];
    int64_t before = resumed;
    loop(n / 10 + 1);
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = now_ns();
        loop(n);
        per_switch[r] = (now_ns() - t0) / (2.0 * n);
    }
    int64_t expected = (n / 10 + 1) + (int64_t) ROUNDS * n;
    if (counts_resumes && resumed - before != expected) {
        fprintf(stderr, "switch_loops: %s: %ld resumes for %ld round trips\n", name, (long) (resumed - before), (long) expected);
        exit(1);
    }
    printf("%s round_trips=%ld ns/switch:", name, n);
    for (int r = 0; r < ROUNDS; r++) printf(" %.3f", per_switch[r]);
    printf("\n");
    fflush(stdout);
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100000;
    only = argc > 2 ? argv[2] : NULL;
    static const char *names[] = {"setjmp", "sigsetjmp_mask", "asm_ret", "asm_jmp", "generator"};
    int known = !only;
    for (int i = 0; i < 5 && !known; i++) known = !strcmp(only, names[i]);
    if (n < 10 || !known) {
        fprintf(stderr, "usage: switch_loops [round trips per round, >= 10] [setjmp|sigsetjmp_mask|asm_ret|asm_jmp|generator]\n");
        return 2;
    }
    jump_start(0);
    measure("setjmp", setjmp_loop, n, 1);
    jump_start(1);
    measure("sigsetjmp_mask", sigsetjmp_mask_loop, n / 10, 1);
    asm_start(xc_switch_ret);
    measure("asm_ret", asm_loop, n, 1);
    asm_start(xc_switch_jmp);
    measure("asm_jmp", asm_loop, n, 1);
    measure("generator", generator_loop, n, 0);
    return only && strcmp(only, "generator") ? 0 : gen_sum == 0;   /* the generator's values are used */
}
