/*
 * The behaviour check every stackful C coroutine in this folder must pass (setjmp_switch.c,
 * ucontext_switch.c, asm_switch.c): two sides, each `depth` frames deep, alternate `rounds`
 * times, writing 'A' (caller) and 'B' (coroutine) into a trace; every frame's locals are
 * re-checked after the switches, so a switch that corrupts a stack it does not own shows up
 * as a non-zero `corrupted`. Only the test protocol lives here; each mechanism keeps its own
 * switch code in its own file.
 */
#ifndef CONTEXTLAB_COROUTINE_CHECK_H
#define CONTEXTLAB_COROUTINE_CHECK_H

#include <stdint.h>

struct coroutine_check {
    void (*resume)(void *coroutine);   /* caller -> coroutine */
    void (*yield)(void *coroutine);    /* coroutine -> caller */
    void *coroutine;
    char *trace;
    int64_t trace_len;
    int64_t rounds;
    int depth;
    int64_t corrupted;                 /* frames whose locals changed across a switch */
    int finished;                      /* the coroutine unwound all its frames and said so */
};

/* Locals a frame can recompute from its depth alone; volatile so they live in the frame. */
#define CHECK_FRAME_LOCALS(depth, side)                                                     \
    volatile int64_t locals[4] = {(depth), (depth) * 7919 + (side), ~(int64_t) (depth),     \
                                  (int64_t) (depth) ^ 0x5a5a5a5a5a5aLL}
#define CHECK_FRAME_INTACT(depth, side)                                                     \
    (locals[0] == (depth) && locals[1] == (depth) * 7919 + (side) &&                        \
     locals[2] == ~(int64_t) (depth) && locals[3] == ((int64_t) (depth) ^ 0x5a5a5a5a5a5aLL))

__attribute__((noinline)) static void coroutine_check_coroutine_side(struct coroutine_check *c, int depth) {
    CHECK_FRAME_LOCALS(depth, 2);
    if (depth > 0) {
        coroutine_check_coroutine_side(c, depth - 1);
    } else {
        for (int64_t r = 0; r < c->rounds; r++) {
            c->trace[c->trace_len++] = 'B';
            c->yield(c->coroutine);
            if (!CHECK_FRAME_INTACT(depth, 2)) c->corrupted++;
        }
    }
    if (!CHECK_FRAME_INTACT(depth, 2)) c->corrupted++;
}

/* Body of the coroutine: run the deep side, report, then hand control back for good. */
static void coroutine_check_body(struct coroutine_check *c) {
    coroutine_check_coroutine_side(c, c->depth);
    c->finished = 1;
    for (;;) c->yield(c->coroutine);
}

__attribute__((noinline)) static void coroutine_check_caller_side(struct coroutine_check *c, int depth) {
    CHECK_FRAME_LOCALS(depth, 1);
    if (depth > 0) {
        coroutine_check_caller_side(c, depth - 1);
    } else {
        for (int64_t r = 0; r < c->rounds; r++) {
            c->trace[c->trace_len++] = 'A';
            c->resume(c->coroutine);
            if (!CHECK_FRAME_INTACT(depth, 1)) c->corrupted++;
        }
        c->resume(c->coroutine); /* let the coroutine unwind and check its own frames */
    }
    if (!CHECK_FRAME_INTACT(depth, 1)) c->corrupted++;
}

/* -1 if the coroutine never finished, else the number of corrupted frames (0 = pass). */
static int64_t coroutine_check_result(const struct coroutine_check *c) {
    return c->finished ? c->corrupted : -1;
}

#endif
