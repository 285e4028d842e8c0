/*
 * A measured clock: the TSC's rate, calibrated against CLOCK_MONOTONIC, so that a time in ns can
 * be turned into cycles without trusting the "@ x GHz" of the CPU model string (absent on many
 * virtual machines, and the nominal rate at best).
 *
 * One round reads the TSC and the monotonic clock on both sides of a sleep of sleep_ms, each pair
 * taken so that the clock read sits between two TSC reads (the midpoint is used, the pair with
 * the smallest gap kept); the rate is TSC ticks over elapsed ns. The median of the rounds is
 * returned, so a round stretched by a preemption between the reads does not move it.
 * Meaningful where the TSC is invariant (constant_tsc, nonstop_tsc: every x86-64 of the last
 * decade, and KVM guests on them).
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <x86intrin.h>

static int64_t mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A (tsc, ns) pair: the best of a few tries at reading both at (nearly) the same moment. */
static void sample(uint64_t *tsc, int64_t *ns) {
    uint64_t best_gap = UINT64_MAX;
    for (int k = 0; k < 5; k++) {
        uint64_t t0 = __rdtsc();
        int64_t t = mono_ns();
        uint64_t t1 = __rdtsc();
        if (t1 - t0 < best_gap) {
            best_gap = t1 - t0;
            *tsc = t0 + (t1 - t0) / 2;
            *ns = t;
        }
    }
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

/* TSC ticks per second, the median of `rounds` (1..31) rounds of a sleep_ms sleep; -1 on bad arguments. */
double cl_tsc_hz(int rounds, int sleep_ms) {
    if (rounds < 1 || rounds > 31 || sleep_ms < 1) return -1;
    double hz[31];
    for (int r = 0; r < rounds; r++) {
        uint64_t tsc0, tsc1;
        int64_t ns0, ns1;
        sample(&tsc0, &ns0);
        struct timespec nap = { sleep_ms / 1000, (long) (sleep_ms % 1000) * 1000000 };
        nanosleep(&nap, NULL);
        sample(&tsc1, &ns1);
        hz[r] = (double) (tsc1 - tsc0) * 1e9 / (double) (ns1 - ns0);
    }
    qsort(hz, (size_t) rounds, sizeof hz[0], cmp_double);
    return rounds % 2 ? hz[rounds / 2] : (hz[rounds / 2 - 1] + hz[rounds / 2]) / 2;
}
