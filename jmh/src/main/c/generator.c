/*
 * A stackless generator in the protothread style: the "saved context" is one integer, the
 * source line to resume at, and resuming is a switch on it. Written fresh for ContextLab after
 * the Begin/Yield/End idea the second article describes; unlike its static-variable version,
 * all state lives in a struct so that two generators (and two threads) do not share it.
 *
 * The limit of the style is visible here: nothing on the stack survives a yield, so the loop
 * variable has to live in the struct too.
 *
 * Audit against the independent loop (crosscheck/switch_loops.c, "generator"; December 2026):
 * this file built as the library is built (-O2 -fPIC, shared, called through a function pointer
 * 10,000 resumes a call as NativeCoroutines calls it), alternated with switch_loops (ABAB, six
 * pairs, fastest of 11 rounds each), was well outside 10 % of the loop. -fno-plt, hidden
 * visibility and linking this file into an executable change nothing here (no call leaves the
 * file), nor does aligning the struct to a cache line. The cause is block layout: gcc put the
 * first entry (case 0) on the fall-through path and reached a resume through two taken jumps,
 * where the loop's layout takes none. GEN_BEGIN now tells gcc that a resume is the common case
 * (it is: the first entry happens once), which gives the loop's layout and halves the gap. The
 * rest, still outside 10 % at well under a nanosecond a switch, was the form itself: the loop's
 * generator was static, without the hint, the finished path or a new generator per call. The loop
 * now writes this form again (its own code, no line shared), and gcc makes the same instructions
 * of both; the cross-check's pairs then agree, and the rung stays the protothread form the
 * article describes.
 */
#include <stdint.h>

struct generator {
    int resume_line;   /* 0 = not started, -1 = finished */
    int64_t i;
    int64_t limit;
};

/* A resume is the common case and the first entry happens once: said to the compiler, so the
 * resume path falls through instead of taking two jumps (the audit in the header above). */
#define GEN_BEGIN(g)                                                                     \
    switch (__builtin_expect((g)->resume_line != 0, 1) ? (g)->resume_line : 0) {         \
    case 0:
#define GEN_YIELD(g, value)                                                              \
    do {                                                                                 \
        (g)->resume_line = __LINE__;                                                     \
        return (value);                                                                  \
    case __LINE__:;                                                                      \
    } while (0)
#define GEN_END(g)                                                                       \
    }                                                                                    \
    (g)->resume_line = -1;                                                               \
    return -1

/*
 * Yields 0, 1, ..., limit-1, then -1 for ever. noipa: a resume must stay a call, as it is in
 * any real use; inlined into the loop below gcc would fold the state machine into a counter.
 */
__attribute__((noipa)) static int64_t counter_next(struct generator *g) {
    GEN_BEGIN(g);
    for (g->i = 0; g->i < g->limit; g->i++)
        GEN_YIELD(g, g->i);
    GEN_END(g);
}

/* n resumes (each a resume plus a yield, i.e. one round trip); returns the sum of the values. */
int64_t cl_generator_loop(int64_t n) {
    struct generator g = {0, 0, INT64_MAX};
    int64_t sum = 0;
    for (int64_t k = 0; k < n; k++)
        sum += counter_next(&g);
    return sum;
}

/* Runs a generator with the given limit to completion, storing at most max values; returns the count. */
int64_t cl_generator_collect(int64_t limit, int64_t *out, int64_t max) {
    struct generator g = {0, 0, limit};
    int64_t count = 0;
    for (;;) {
        int64_t v = counter_next(&g);
        if (g.resume_line == -1 || count == max) break;
        out[count++] = v;
    }
    return count;
}

/*
 * The limit shown: a generator that sets a local variable before its yield and reads it after.
 * The local is (re)initialised to 0 on every entry, before the switch jumps to the resume point,
 * so after the yield it reads 0, not the 42 set before; the same value kept in the struct
 * survives. (Initialised, so this is defined behaviour, not a read of garbage.)
 */
struct local_demo {
    int resume_line;
    int64_t kept;
};

__attribute__((noipa)) static int64_t local_demo_next(struct local_demo *g, int keep_in_struct) {
    int64_t local = 0;
    GEN_BEGIN(g);
    local = 42;
    g->kept = 42;
    GEN_YIELD(g, local);
    GEN_YIELD(g, keep_in_struct ? g->kept : local);
    GEN_END(g);
}

/* Resumes the demo twice: returns what it yields after the first yield (42 only when kept in the struct). */
int64_t cl_generator_value_after_yield(int keep_in_struct) {
    struct local_demo g = {0, 0};
    int64_t before = local_demo_next(&g, keep_in_struct);
    int64_t after = local_demo_next(&g, keep_in_struct);
    return before == 42 ? after : -1;
}
