/*
 * Coroutines on setjmp/longjmp, the State Threads way: each side keeps a jump buffer, and a
 * switch is "save mine, jump to yours". sigsetjmp(env, 0) is _setjmp: no signal mask is saved,
 * so no syscall. With savemask = 1 the same code saves the mask on every sigsetjmp and restores
 * it on every siglongjmp (rt_sigprocmask each time) — the cost State Threads avoids.
 *
 * setjmp cannot create a stack, so the coroutine's first entry moves the stack pointer onto its
 * own mmap'ed stack with three instructions of inline assembly and calls the body there; every
 * switch after that is sigsetjmp/siglongjmp only.
 *
 * The form measured (the ping-pong of cl_setjmp_pingpong and pong_body): the switch is written
 * inline in each side's loop, `if (!sigsetjmp(mine)) siglongjmp(yours)`, as a minimal
 * _setjmp/_longjmp loop in a plain C program writes it. Audited against such a loop
 * (crosscheck/switch_loops.c) with the variants built side by side: -fno-plt, and this file
 * linked non-PIC into the executable instead of the -fPIC shared library, changed nothing
 * measurable; hidden visibility has nothing to act on (every call in the ping-pong is to a static
 * function or into libc). What made the rung far slower than the loop was the switch in a noinline
 * function of its own (sj_resume/sj_yield, still used by the interleaving check): the side that
 * is resumed lands in that function by longjmp and then returns from it, and that return never
 * matches the return-stack buffer (its call was made before the other side ran), so every switch
 * paid a mispredicted return that is the harness's shape, not the mechanism's. Inline, the rung
 * is the mechanism: the libc calls to __sigsetjmp and siglongjmp through the PLT, as in any
 * program that uses them.
 *
 * Re-audited in December 2026 with the variants alternated (ABAB, six pairs, each pair one run of
 * switch_loops and one of this file's ping-pong per variant, called 10,000 round trips a call as
 * NativeCoroutines calls it): built as the library is (-fPIC, shared), with -fno-plt, with hidden
 * visibility, and linked non-PIC into an executable, both with savemask 0 and 1. Every variant's
 * median ratio to the loop was within 10 % and none was consistently below the library's form,
 * so the form kept is the library's own. The JMH rung, paired with the loop in the reference
 * run, agrees with it.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "coroutine_check.h"

#define STACK_BYTES (1 << 20)
#define GUARD_BYTES 4096

struct sj_coroutine {
    sigjmp_buf caller;
    sigjmp_buf coroutine;
    int savemask;
    void *stack;
    int64_t resumed;
    void (*body)(struct sj_coroutine *);
    struct coroutine_check *check;
};

/*
 * A switch is a sigsetjmp in the frame that will be resumed, then a siglongjmp. These stay real
 * functions (gcc will not inline a function that calls setjmp); each one's frame remains live on
 * its own stack while the other side runs, which is what makes the saved buffer valid to jump to.
 */
__attribute__((noinline)) static void sj_resume(void *co) {
    struct sj_coroutine *c = co;
    if (!sigsetjmp(c->caller, c->savemask)) siglongjmp(c->coroutine, 1);
}

__attribute__((noinline)) static void sj_yield(void *co) {
    struct sj_coroutine *c = co;
    if (!sigsetjmp(c->coroutine, c->savemask)) siglongjmp(c->caller, 1);
}

static void pong_body(struct sj_coroutine *c) {
    for (;;) {
        c->resumed++;
        if (!sigsetjmp(c->coroutine, c->savemask)) siglongjmp(c->caller, 1);   /* sj_yield, inline */
    }
}

static void check_body(struct sj_coroutine *c) {
    coroutine_check_body(c->check);
}

__attribute__((noreturn)) static void entry(struct sj_coroutine *c) {
    sj_yield(c);  /* back to start(): the coroutine now exists, suspended here */
    c->body(c);
    __builtin_trap();  /* bodies never return: there is no frame to return to */
}

/* Calls entry(c) on the coroutine's stack; returns when entry first yields. */
__attribute__((noinline)) static void start(struct sj_coroutine *c) {
    uintptr_t top = ((uintptr_t) c->stack + STACK_BYTES) & ~(uintptr_t) 15;
    if (!sigsetjmp(c->caller, 0)) {
        __asm__ volatile("movq %0, %%rsp\n\t"
                         "callq *%1\n\t"
                         "ud2"
                         :
                         : "r"(top), "r"(entry), "D"(c)
                         : "memory");
        __builtin_unreachable();
    }
}

static struct sj_coroutine *coroutine_new(int savemask, void (*body)(struct sj_coroutine *),
                                          struct coroutine_check *check) {
    struct sj_coroutine *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->stack = mmap(NULL, STACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (c->stack == MAP_FAILED) { free(c); return NULL; }
    mprotect(c->stack, GUARD_BYTES, PROT_NONE);
    c->savemask = savemask;
    c->body = body;
    c->check = check;
    start(c);
    return c;
}

void cl_setjmp_free(struct sj_coroutine *c) {
    if (!c) return;
    munmap(c->stack, STACK_BYTES);
    free(c);
}

/* savemask 0: _setjmp/_longjmp semantics; 1: save and restore the signal mask on every switch. */
struct sj_coroutine *cl_setjmp_new(int savemask) {
    return coroutine_new(savemask, pong_body, NULL);
}

/* n round trips (2n one-way switches); returns the coroutine's total resume count. i is never
 * changed between a sigsetjmp and the siglongjmp back to it (each round saves afresh), so gcc's
 * "might be clobbered" does not apply. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wclobbered"
int64_t cl_setjmp_pingpong(struct sj_coroutine *c, int64_t n) {
    for (int64_t i = 0; i < n; i++)
        if (!sigsetjmp(c->caller, c->savemask)) siglongjmp(c->coroutine, 1);   /* sj_resume, inline */
    return c->resumed;
}
#pragma GCC diagnostic pop

/* coroutine_check.h's interleaving check; see there for the result. */
int64_t cl_setjmp_interleave(int savemask, int64_t rounds, int depth, char *trace) {
    struct coroutine_check check = {.resume = sj_resume, .yield = sj_yield, .trace = trace,
                                    .rounds = rounds, .depth = depth};
    struct sj_coroutine *c = coroutine_new(savemask, check_body, &check);
    if (!c) return -2;
    check.coroutine = c;
    coroutine_check_caller_side(&check, depth);
    int64_t result = coroutine_check_result(&check);
    cl_setjmp_free(c);
    return result;
}
