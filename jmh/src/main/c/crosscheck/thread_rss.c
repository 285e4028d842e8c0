/*
 * An independent measurement of what a parked pthread costs in memory: this small process (not
 * a JVM) starts N threads with the default stack, each fills T bytes of a variable-length array
 * on its stack and waits at a barrier-like counter; the process's Rss (smaps_rollup) and minor
 * faults (getrusage) are read before and while they are parked, over several rounds. Every
 * round's figure is printed on two text lines, which io.contextlab.lab.references.StacksReference
 * reads (median) against PthreadStacks.startTouchAndPark's secondary metrics:
 *   rss threads=<N> touch=<bytes> B/thread: <round 1> <round 2> ...
 *   minor_faults threads=<N> touch=<bytes> faults/thread: <round 1> <round 2> ...
 *
 *   thread_rss [threads] [touch_bytes] [rounds]      defaults 1000 16384 7
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static long threads_wanted, touch_bytes;
static int parked, go_home;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;

static long rollup_rss_bytes(void) {
    FILE *f = fopen("/proc/self/smaps_rollup", "r");
    if (!f) { perror("smaps_rollup"); exit(1); }
    char line[256];
    long kib = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Rss: %ld kB", &kib) == 1) break;
    fclose(f);
    return kib * 1024;
}

static long minor_faults(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_minflt;
}

/* The stack grows by touch_bytes (+ one page of slack) in this frame; the whole pages below the
 * first page boundary under it are written, so touch_bytes/4096 fresh pages fault in. A frame of
 * its own, popped before the thread blocks, so the blocking calls below run above it. */
static __attribute__((noinline)) void grow_stack(void) {
    char frame[touch_bytes + 4096];
    uintptr_t top = ((uintptr_t) frame + (uintptr_t) touch_bytes + 4096) & ~(uintptr_t) 4095;
    for (long i = 1; i <= (touch_bytes + 4095) / 4096; i++)
        *(volatile char *) (top - (uintptr_t) i * 4096) = 1;
    __asm__ volatile("" : : "r"(frame) : "memory");
}

static void *parked_thread(void *arg) {
    (void) arg;
    grow_stack();
    pthread_mutex_lock(&lock);
    parked++;
    pthread_cond_broadcast(&cond);
    while (!go_home) pthread_cond_wait(&cond, &lock);
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(int argc, char **argv) {
    threads_wanted = argc > 1 ? atol(argv[1]) : 1000;
    touch_bytes = argc > 2 ? atol(argv[2]) : 16384;
    int rounds = argc > 3 ? atoi(argv[3]) : 7;
    if (threads_wanted <= 0 || touch_bytes <= 0 || rounds <= 0 || rounds > 64) {
        fprintf(stderr, "usage: thread_rss [threads>0] [touch_bytes>0] [rounds 1..64]\n");
        return 2;
    }
    pthread_t *tids = calloc((size_t) threads_wanted, sizeof *tids);
    double rss[64], faults[64];
    for (int r = 0; r < rounds; r++) {
        parked = 0;
        go_home = 0;
        long rss0 = rollup_rss_bytes(), flt0 = minor_faults();
        for (long i = 0; i < threads_wanted; i++)
            if (pthread_create(&tids[i], NULL, parked_thread, NULL) != 0) { perror("pthread_create"); return 1; }
        pthread_mutex_lock(&lock);
        while (parked < threads_wanted) pthread_cond_wait(&cond, &lock);
        pthread_mutex_unlock(&lock);
        rss[r] = (double) (rollup_rss_bytes() - rss0) / threads_wanted;
        faults[r] = (double) (minor_faults() - flt0) / threads_wanted;
        pthread_mutex_lock(&lock);
        go_home = 1;
        pthread_cond_broadcast(&cond);
        pthread_mutex_unlock(&lock);
        for (long i = 0; i < threads_wanted; i++) pthread_join(tids[i], NULL);
    }
    printf("rss threads=%ld touch=%ld B/thread:", threads_wanted, touch_bytes);
    for (int r = 0; r < rounds; r++) printf(" %.1f", rss[r]);
    printf("\nminor_faults threads=%ld touch=%ld faults/thread:", threads_wanted, touch_bytes);
    for (int r = 0; r < rounds; r++) printf(" %.3f", faults[r]);
    printf("\n");
    free(tids);
    return 0;
}
