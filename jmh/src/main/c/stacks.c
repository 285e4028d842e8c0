/*
 * Thread stacks touched to a depth. A "fleet" is N pthreads, each of which writes one byte in
 * every page of the top T bytes of its own stack (in the order the stack grows), reports that it
 * is done and then blocks on a condition variable until the fleet is released and joined. While
 * the fleet is parked, the process's RSS, minor faults and virtual size show what N threads that
 * touched T bytes cost; after the join they show what glibc gives back (it keeps up to
 * stack_cache_maxsize, 40 MiB by default, of exited stacks mapped for reuse, and returns the
 * touched pages of a dying thread's stack with madvise(MADV_DONTNEED)).
 *
 * Also the probes the Java side reads around a fleet: minor faults (getrusage) of the process or
 * of the calling thread, and a stack-touch the calling thread can run on its own stack (a Java
 * platform thread calls it to touch its native stack exactly as a pthread does).
 */
#include <alloca.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

struct cl_fleet {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int64_t touch_bytes;
    int parked;     /* threads that have touched their stack and are waiting */
    int released;   /* set once: every thread may return */
    int started;    /* threads pthread_create'd successfully */
    pthread_t *threads;
};

/* Grows the calling thread's stack by `bytes` below the current frame and writes one byte in
 * each page of that growth, nearest page first (the order a growing stack faults them in). The
 * pages written are the bytes/4096 whole pages that lie below the page boundary under the
 * current frame, so exactly that many pages are fresh, wherever the frame happens to sit within
 * its page. alloca over-allocates one page to make room for that alignment; noinline and the
 * volatile stores keep gcc from eliding or reordering them. Returns the pages written. */
__attribute__((noinline)) int64_t cl_touch_own_stack(int64_t bytes) {
    if (bytes <= 0) return 0;
    const uintptr_t page = (uintptr_t) sysconf(_SC_PAGESIZE);
    char *block = alloca((size_t) bytes + page);
    uintptr_t top = ((uintptr_t) block + (uintptr_t) bytes + page) & ~(page - 1);
    int64_t pages = 0;
    for (uintptr_t at = top - page; at + page > top - (uintptr_t) bytes; at -= page) {
        *(volatile char *) at = (char) pages;
        pages++;
    }
    __asm__ volatile("" : : "r"(block) : "memory");
    return pages;
}

int cl_fleet_release(struct cl_fleet *fleet);

static void *fleet_thread(void *arg) {
    struct cl_fleet *fleet = arg;
    cl_touch_own_stack(fleet->touch_bytes);
    pthread_mutex_lock(&fleet->lock);
    fleet->parked++;
    pthread_cond_broadcast(&fleet->changed);
    while (!fleet->released)
        pthread_cond_wait(&fleet->changed, &fleet->lock);
    pthread_mutex_unlock(&fleet->lock);
    return NULL;
}

/*
 * Starts n threads with a stack of stack_bytes (0: glibc's default, RLIMIT_STACK = 8 MiB here)
 * that each touch touch_bytes of it, and returns once all of them are parked. Returns NULL with
 * errno set if a thread could not be created (the ones already started are released and joined).
 */
struct cl_fleet *cl_fleet_start(int n, int64_t touch_bytes, int64_t stack_bytes) {
    struct cl_fleet *fleet = calloc(1, sizeof *fleet);
    if (!fleet) return NULL;
    fleet->threads = calloc((size_t) n, sizeof(pthread_t));
    if (!fleet->threads) { free(fleet); return NULL; }
    pthread_mutex_init(&fleet->lock, NULL);
    pthread_cond_init(&fleet->changed, NULL);
    fleet->touch_bytes = touch_bytes;

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    if (stack_bytes > 0) pthread_attr_setstacksize(&attr, (size_t) stack_bytes);
    int error = 0;
    for (int i = 0; i < n; i++) {
        error = pthread_create(&fleet->threads[i], &attr, fleet_thread, fleet);
        if (error) break;
        fleet->started++;
    }
    pthread_attr_destroy(&attr);

    pthread_mutex_lock(&fleet->lock);
    while (fleet->parked < fleet->started)
        pthread_cond_wait(&fleet->changed, &fleet->lock);
    pthread_mutex_unlock(&fleet->lock);
    if (error) {
        cl_fleet_release(fleet);
        errno = error;
        return NULL;
    }
    return fleet;
}

int cl_fleet_parked(struct cl_fleet *fleet) {
    pthread_mutex_lock(&fleet->lock);
    int parked = fleet->parked;
    pthread_mutex_unlock(&fleet->lock);
    return parked;
}

/* Releases and joins every thread of the fleet and frees it. Returns the number joined. */
int cl_fleet_release(struct cl_fleet *fleet) {
    pthread_mutex_lock(&fleet->lock);
    fleet->released = 1;
    pthread_cond_broadcast(&fleet->changed);
    pthread_mutex_unlock(&fleet->lock);
    int joined = 0;
    for (int i = 0; i < fleet->started; i++)
        if (pthread_join(fleet->threads[i], NULL) == 0) joined++;
    pthread_cond_destroy(&fleet->changed);
    pthread_mutex_destroy(&fleet->lock);
    free(fleet->threads);
    free(fleet);
    return joined;
}

/* Minor faults so far: who = 0 for the whole process (RUSAGE_SELF), 1 for the calling thread
 * (RUSAGE_THREAD). */
int64_t cl_minor_faults(int who) {
    struct rusage usage;
    if (getrusage(who == 1 ? RUSAGE_THREAD : RUSAGE_SELF, &usage) != 0) return -1;
    return usage.ru_minflt;
}
