/*
 * A switch-case protothread (the __LINE__ / Duff's-device style of the second article) whose body
 * keeps a counter in an automatic local across a yield, and counts, after each resume, whether
 * the local still holds the value it had before the yield. Bound by
 * io.contextlab.switches.Coroutines and measured by io.contextlab.switches.ProtothreadLocals.
 *
 * Why a sentinel: a resume is a new call of the function, and in C an automatic object that is
 * not initialised on the path taken has an indeterminate value, so reading it after the switch
 * jumps back to the resume point would be undefined behaviour (and an optimiser could make it
 * show anything, the old value included). Here the local is initialised to SENTINEL at the top
 * of the function, before the switch, on every entry: that is exactly the re-initialisation a
 * resume performs, written down, so the read after the yield is defined and the count is what
 * the language guarantees, not what this compiler happened to leave in a register. The value
 * stored before the yield (the yield's number, from 1) is never SENTINEL.
 */
#include <stdint.h>

#define SENTINEL INT64_MIN

struct pt_locals {
    int resume_line;     /* 0 = not started */
    int64_t stored;      /* the value the local was given before the last yield, kept here too */
    int64_t yields;      /* resumes after a yield, i.e. checks made */
    int64_t preserved;   /* checks that found the local still holding `stored` */
};

#define PT_BEGIN(pt)                                                                     \
    switch ((pt)->resume_line) {                                                         \
    case 0:
#define PT_YIELD(pt)                                                                     \
    do {                                                                                 \
        (pt)->resume_line = __LINE__;                                                    \
        return;                                                                          \
    case __LINE__:;                                                                      \
    } while (0)
#define PT_END(pt) }

/*
 * One resume: checks the local set before the previous yield, sets it again, yields. noipa: a
 * resume must stay a call (inlined into the loop, gcc could keep the local in a register across
 * "resumes" that are no longer calls, which is not a protothread any more).
 */
__attribute__((noipa)) static void pt_locals_next(struct pt_locals *pt) {
    int64_t counter = SENTINEL;   /* every entry runs this, a resume included */
    PT_BEGIN(pt);
    for (;;) {
        counter = pt->stored + 1;
        pt->stored = counter;
        PT_YIELD(pt);
        pt->yields++;
        if (counter == pt->stored) pt->preserved++;
    }
    PT_END(pt);
}

/* The struct the Java side allocates (zeroed) and hands to the calls below. */
int64_t cl_pt_locals_size(void) {
    return (int64_t) sizeof(struct pt_locals);
}

/* n resumes of the protothread (each a resume and a yield: one round trip); returns its checks so far. */
int64_t cl_pt_locals_loop(struct pt_locals *pt, int64_t n) {
    for (int64_t k = 0; k < n; k++)
        pt_locals_next(pt);
    return pt->yields;
}

/* Checks that found the local still holding its pre-yield value, so far. */
int64_t cl_pt_locals_preserved(const struct pt_locals *pt) {
    return pt->preserved;
}
