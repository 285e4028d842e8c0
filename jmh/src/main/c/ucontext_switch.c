/*
 * Coroutines on glibc's ucontext: makecontext gives the coroutine its own stack, swapcontext
 * switches. swapcontext saves and restores the signal mask, so every switch enters the kernel
 * (on glibc 2.36 x86-64 exactly one rt_sigprocmask(SIG_SETMASK, new, old) per swapcontext;
 * syscall_count.c counts it and SwitchSyscallsTest proves it).
 *
 * Harness audit (December 2026), against crosscheck/swapcontext_loop.c: this file built as the
 * library is (-fPIC, shared), with -fno-plt, with hidden visibility, and linked non-PIC into an
 * executable, alternated with the loop (ABAB, six pairs): every median ratio within 10 %. The
 * switch is a libc call and a syscall in every variant; the library's form is kept.
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "coroutine_check.h"

#define STACK_BYTES (1 << 20)
#define GUARD_BYTES 4096

struct uc_coroutine {
    ucontext_t caller;
    ucontext_t coroutine;
    void *stack;
    int64_t resumed;
    void (*body)(struct uc_coroutine *);
    struct coroutine_check *check;
};

static void uc_resume(void *co) {
    struct uc_coroutine *c = co;
    swapcontext(&c->caller, &c->coroutine);
}

static void uc_yield(void *co) {
    struct uc_coroutine *c = co;
    swapcontext(&c->coroutine, &c->caller);
}

static void pong_body(struct uc_coroutine *c) {
    for (;;) {
        c->resumed++;
        swapcontext(&c->coroutine, &c->caller);
    }
}

static void check_body(struct uc_coroutine *c) {
    coroutine_check_body(c->check);
}

/* makecontext passes int arguments only; the pointer travels as two halves. */
static void entry(unsigned int high, unsigned int low) {
    struct uc_coroutine *c = (struct uc_coroutine *) (((uintptr_t) high << 32) | low);
    c->body(c);
    __builtin_trap();
}

/* getcontext "returns twice" only if someone resumes that context; makecontext overwrites it first. */
#pragma GCC diagnostic ignored "-Wclobbered"
static struct uc_coroutine *coroutine_new(void (*body)(struct uc_coroutine *), struct coroutine_check *check) {
    struct uc_coroutine *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->stack = mmap(NULL, STACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (c->stack == MAP_FAILED) { free(c); return NULL; }
    mprotect(c->stack, GUARD_BYTES, PROT_NONE);
    c->body = body;
    c->check = check;
    if (getcontext(&c->coroutine) != 0) { munmap(c->stack, STACK_BYTES); free(c); return NULL; }
    c->coroutine.uc_stack.ss_sp = (char *) c->stack + GUARD_BYTES;
    c->coroutine.uc_stack.ss_size = STACK_BYTES - GUARD_BYTES;
    c->coroutine.uc_link = NULL;
    uintptr_t p = (uintptr_t) c;
    makecontext(&c->coroutine, (void (*)(void)) entry, 2, (unsigned int) (p >> 32), (unsigned int) p);
    return c;
}

void cl_ucontext_free(struct uc_coroutine *c) {
    if (!c) return;
    munmap(c->stack, STACK_BYTES);
    free(c);
}

struct uc_coroutine *cl_ucontext_new(void) {
    return coroutine_new(pong_body, NULL);
}

/* n round trips (2n swapcontext calls); returns the coroutine's total resume count. */
int64_t cl_ucontext_pingpong(struct uc_coroutine *c, int64_t n) {
    for (int64_t i = 0; i < n; i++)
        swapcontext(&c->caller, &c->coroutine);
    return c->resumed;
}

/* coroutine_check.h's interleaving check; see there for the result. */
int64_t cl_ucontext_interleave(int64_t rounds, int depth, char *trace) {
    struct coroutine_check check = {.resume = uc_resume, .yield = uc_yield, .trace = trace,
                                    .rounds = rounds, .depth = depth};
    struct uc_coroutine *c = coroutine_new(check_body, &check);
    if (!c) return -2;
    check.coroutine = c;
    coroutine_check_caller_side(&check, depth);
    int64_t result = coroutine_check_result(&check);
    cl_ucontext_free(c);
    return result;
}
