/*
 * Coroutines on the hand-written switch of asm_switch.S: a caller and one coroutine on its own
 * mmap'ed stack. A fresh stack gets a frame that looks as if cl_asm_switch had pushed it, whose
 * return address is cl_asm_trampoline (r12 = entry, r13 = argument, default MXCSR and x87 CW).
 *
 * Harness audit (December 2026), against crosscheck/switch_loops.c's asm_ret and asm_jmp: this
 * file and asm_switch.S built as the library is (-fPIC, shared), with -fno-plt, with hidden
 * visibility, and linked non-PIC into an executable, alternated with the loop (ABAB, six pairs).
 * Both forms' median ratios were within 10 % in every variant but two noisy ones (-fno-plt and
 * the executable, ret form, not better than the library's either): the switch is reached through
 * a function pointer in both programs and never through the PLT, so nothing of the harness is
 * left to remove; the library's form is kept.
 *
 * Layout (December 2026): the ret form still sat a few percent above the loop's in run after run.
 * The same two files built into a small library of their own matched the loop; inside the whole
 * library they did not, and the difference was where the linker put them: the .S objects after
 * every C file, the switch some pages away from the loops calling it. Linked next to them (the
 * same page), the library's ret form matched the loop again, alternated ABAB from one C driver
 * (why a page between them costs, without PMU counters in this VM, is not known). So the loops
 * that call the switch in a benchmark's steady state (the ping-pong and the coroutine's body)
 * share the switch's section, .text.hot.asm_switch, which the linker keeps together, the
 * assembly file's part first (the Makefile links each area's .S beside its .c) and aligned to 256
 * bytes: the whole group is smaller than that, so no page boundary can fall inside it.
 * (crosscheck/switch_loops has everything on one page: a program that small cannot do otherwise.)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "coroutine_check.h"

typedef void (*switch_fn)(void **save_sp, void *next_sp);

/* In the switches' own section (asm_switch.S), so that the loop and the switch lie on one page. */
#define HOT_WITH_THE_SWITCH __attribute__((section(".text.hot.asm_switch")))
void cl_asm_switch(void **save_sp, void *next_sp);
void cl_asm_switch_jmp(void **save_sp, void *next_sp);
void cl_asm_trampoline(void);
int cl_asm_probe_callee_saved(void **save_sp, void *next_sp, switch_fn fn);
void cl_asm_clobber_entry(void *slots);

#define STACK_BYTES (1 << 20)
#define GUARD_BYTES 4096

struct asm_coroutine {
    void *caller_sp;
    void *coroutine_sp;
    void *stack;                   /* lowest address of the mapping, guard page included */
    int64_t resumed;               /* incremented by the coroutine on every resume */
    switch_fn switch_to;           /* cl_asm_switch (ret) or cl_asm_switch_jmp (pop + jmp) */
    void (*body)(struct asm_coroutine *);
    struct coroutine_check *check;
};

static void *stack_map(void) {
    void *stack = mmap(NULL, STACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) return NULL;
    mprotect(stack, GUARD_BYTES, PROT_NONE);
    return stack;
}

/* Writes the initial frame described in asm_switch.S; returns the coroutine's first sp. */
static void *frame_init(void *stack, void (*entry)(void *), void *arg) {
    uintptr_t top = ((uintptr_t) stack + STACK_BYTES) & ~(uintptr_t) 15;
    uint64_t *ret_slot = (uint64_t *) (top - 24);   /* 8 mod 16: after ret, rsp is 16-aligned */
    uint64_t *sp = ret_slot - 7;
    memset(sp, 0, 8 * 8);
    uint32_t mxcsr_default = 0x1f80;
    uint16_t x87_default = 0x037f;
    memcpy((char *) sp, &mxcsr_default, 4);
    memcpy((char *) sp + 4, &x87_default, 2);
    sp[4] = (uint64_t) (uintptr_t) entry;  /* r12 */
    sp[3] = (uint64_t) (uintptr_t) arg;    /* r13 */
    *ret_slot = (uint64_t) (uintptr_t) cl_asm_trampoline;
    return sp;
}

static void asm_resume(void *co) {
    struct asm_coroutine *c = co;
    cl_asm_switch(&c->caller_sp, c->coroutine_sp);
}

static void asm_yield(void *co) {
    struct asm_coroutine *c = co;
    cl_asm_switch(&c->coroutine_sp, c->caller_sp);
}

HOT_WITH_THE_SWITCH static void pong_body(struct asm_coroutine *c) {
    switch_fn switch_to = c->switch_to;
    for (;;) {
        c->resumed++;
        switch_to(&c->coroutine_sp, c->caller_sp);
    }
}

static void check_body(struct asm_coroutine *c) {
    coroutine_check_body(c->check);
}

static void entry(void *arg) {
    struct asm_coroutine *c = arg;
    c->body(c);
}

static struct asm_coroutine *coroutine_new(void (*body)(struct asm_coroutine *), switch_fn switch_to) {
    struct asm_coroutine *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->stack = stack_map();
    if (!c->stack) { free(c); return NULL; }
    c->body = body;
    c->switch_to = switch_to;
    c->coroutine_sp = frame_init(c->stack, entry, c);
    return c;
}

void cl_asm_free(struct asm_coroutine *c) {
    if (!c) return;
    munmap(c->stack, STACK_BYTES);
    free(c);
}

/* The benchmark's coroutine: on every resume it counts and switches straight back. via_jmp: 0 =
 * both sides switch with cl_asm_switch (ret), 1 = with cl_asm_switch_jmp (pop + jmp). */
struct asm_coroutine *cl_asm_new(int via_jmp) {
    return coroutine_new(pong_body, via_jmp ? cl_asm_switch_jmp : cl_asm_switch);
}

/*
 * n round trips (2n one-way switches) between the caller and the coroutine; returns how many
 * resumes the coroutine has seen in total, which the caller can check and the JIT cannot drop.
 */
HOT_WITH_THE_SWITCH int64_t cl_asm_pingpong(struct asm_coroutine *c, int64_t n) {
    switch_fn switch_to = c->switch_to;
    for (int64_t i = 0; i < n; i++)
        switch_to(&c->caller_sp, c->coroutine_sp);
    return c->resumed;
}

/* coroutine_check.h's interleaving check; see there for the result. */
int64_t cl_asm_interleave(int64_t rounds, int depth, char *trace) {
    struct coroutine_check check = {.resume = asm_resume, .yield = asm_yield, .trace = trace,
                                    .rounds = rounds, .depth = depth};
    struct asm_coroutine *c = coroutine_new(check_body, cl_asm_switch);
    if (!c) return -2;
    c->check = &check;
    check.coroutine = c;
    coroutine_check_caller_side(&check, depth);
    int64_t result = coroutine_check_result(&check);
    cl_asm_free(c);
    return result;
}

/*
 * Runs the probe of asm_switch.S `rounds` times against a clobbering coroutine, switching with
 * cl_asm_switch (via_jmp 0) or cl_asm_switch_jmp (1); ORs the masks.
 */
int cl_asm_probe(int rounds, int via_jmp) {
    void *stack = stack_map();
    if (!stack) return -1;
    void *slots[2] = {NULL, NULL};   /* {prober_sp, clobberer_sp} */
    slots[1] = frame_init(stack, cl_asm_clobber_entry, slots);
    int mask = 0;
    for (int r = 0; r < rounds; r++)
        mask |= cl_asm_probe_callee_saved(&slots[0], slots[1], via_jmp ? cl_asm_switch_jmp : cl_asm_switch);
    munmap(stack, STACK_BYTES);
    return mask;
}
