/*
 * A crowd of m threads pinned to one CPU, passing turns in a tight C loop, for the scheduler's
 * own cost per switch against the number of runnable tasks m (io.contextlab.sched.SchedulerCost).
 *
 *   ring   - each thread waits on its own futex word for a token, takes one, hands one to the
 *            next thread in the ring (FUTEX_WAKE) and blocks when it holds none. max(1, m/2)
 *            tokens circulate (a ring with one token would keep the tree at one task whatever m
 *            is), but they bunch: a woken thread often finds several and passes them on without
 *            blocking, so far fewer than m/2 tasks stay runnable and many passes make no switch
 *            (the eBPF context tier's queued count and switches per pass say how many). m = 1
 *            keeps its own token: the futex calls without a switch.
 *   yield  - each thread calls sched_yield in a loop: all m runnable, every pass a switch
 *            (when m > 1) through the tree's pick and re-insert, with no wake-up.
 *
 * The crowd runs from cl_crowd_new to cl_crowd_free; a caller on another CPU reads the pass
 * count (cl_crowd_passes) to time a number of passes. Threads get small stacks so that
 * thousands fit; cl_crowd_new returns NULL, with how many it could start in *started, when the
 * pid, thread or memory limits stop it short.
 */
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { RING = 0, YIELD = 1 };

/* One cache line per thread's word, so that a pass does not bounce its neighbours' lines. */
struct slot {
    _Atomic uint32_t tokens;
    char pad[64 - sizeof(uint32_t)];
};

struct crowd {
    int kind;
    int m;
    _Atomic int stop;
    _Atomic int64_t passes;
    struct slot *slots;
    pthread_t *threads;
    int started;
};

struct member {
    struct crowd *crowd;
    int index;
};

static void futex_wait(_Atomic uint32_t *word, uint32_t expected) {
    syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

static void futex_wake(_Atomic uint32_t *word, int n) {
    syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
}

static void *ring_member(void *arg) {
    struct member me = *(struct member *) arg;
    free(arg);
    struct crowd *c = me.crowd;
    _Atomic uint32_t *mine = &c->slots[me.index].tokens;
    _Atomic uint32_t *next = &c->slots[(me.index + 1) % c->m].tokens;
    for (;;) {
        while (atomic_load(mine) == 0) futex_wait(mine, 0);
        if (atomic_load(&c->stop)) {
            atomic_fetch_add(next, 1); /* pass the stop on */
            futex_wake(next, 1);
            return NULL;
        }
        atomic_fetch_sub(mine, 1);
        atomic_fetch_add(next, 1);
        futex_wake(next, 1);
        atomic_fetch_add(&c->passes, 1);
    }
}

static void *yield_member(void *arg) {
    struct member me = *(struct member *) arg;
    free(arg);
    struct crowd *c = me.crowd;
    /* Hold at the start line until the whole crowd exists: m really runnable from pass one. */
    while (atomic_load(&c->slots[0].tokens) == 0) futex_wait(&c->slots[0].tokens, 0);
    while (!atomic_load(&c->stop)) {
        sched_yield();
        atomic_fetch_add(&c->passes, 1);
    }
    return NULL;
}

int64_t cl_crowd_passes(struct crowd *c) {
    return atomic_load(&c->passes);
}

/* Stops and joins the crowd; returns the passes made in all. */
int64_t cl_crowd_free(struct crowd *c) {
    atomic_store(&c->stop, 1);
    if (c->kind == RING) {
        for (int i = 0; i < c->m; i++) {
            atomic_fetch_add(&c->slots[i].tokens, 1);
            futex_wake(&c->slots[i].tokens, 1);
        }
    } else {
        atomic_store(&c->slots[0].tokens, 1);
        futex_wake(&c->slots[0].tokens, 1 << 30);
    }
    for (int i = 0; i < c->started; i++) pthread_join(c->threads[i], NULL);
    int64_t passes = atomic_load(&c->passes);
    free(c->slots);
    free(c->threads);
    free(c);
    return passes;
}

/* kind 0 ring, 1 yield; m threads pinned to cpu. NULL (with *started set) when not all started. */
struct crowd *cl_crowd_new(int kind, int m, int cpu, int *started) {
    struct crowd *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->kind = kind;
    c->m = m;
    c->slots = aligned_alloc(64, sizeof(struct slot) * (size_t) m);
    c->threads = calloc((size_t) m, sizeof(pthread_t));
    if (!c->slots || !c->threads) {
        *started = 0;
        free(c->slots);
        free(c->threads);
        free(c);
        return NULL;
    }
    for (int i = 0; i < m; i++) atomic_init(&c->slots[i].tokens, 0);

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_attr_setaffinity_np(&attr, sizeof set, &set);
    for (int i = 0; i < m; i++) {
        struct member *me = malloc(sizeof *me);
        if (!me) break;
        me->crowd = c;
        me->index = i;
        if (pthread_create(&c->threads[i], &attr, kind == RING ? ring_member : yield_member, me) != 0) {
            free(me);
            break;
        }
        c->started++;
    }
    pthread_attr_destroy(&attr);
    *started = c->started;
    if (c->started < m) {
        c->m = c->started > 0 ? c->started : 1;
        cl_crowd_free(c);
        return NULL;
    }
    if (kind == RING) {
        int tokens = m / 2 > 0 ? m / 2 : 1;
        for (int t = 0; t < tokens; t++) {
            int i = (int) ((int64_t) t * m / tokens);
            atomic_fetch_add(&c->slots[i].tokens, 1);
            futex_wake(&c->slots[i].tokens, 1);
        }
    } else {
        atomic_store(&c->slots[0].tokens, 1);
        futex_wake(&c->slots[0].tokens, 1 << 30);
    }
    return c;
}
