/*
 * A stackless generator in the protothread style: the "saved context" is one integer, the
 * source line to resume at, and resuming is a switch on it. Written fresh for ContextLab after
 * the Begin/Yield/End idea the second article describes; unlike its static-variable version,
 * all state lives in a struct so that two generators (and two threads) do not share it.
 *
 * The limit of the style is visible here: nothing on the stack survives a yield, so the loop
 * variable has to live in the struct too.
 */
#include <stdint.h>

struct generator {
    int resume_line;   /* 0 = not started, -1 = finished */
    int64_t i;
    int64_t limit;
};

#define GEN_BEGIN(g)                                                                     \
    switch ((g)->resume_line) {                                                          \
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
