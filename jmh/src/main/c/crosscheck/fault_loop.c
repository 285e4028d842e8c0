/*
 * An independent reference for MinorFaults.touchEveryPage (mapping=FRESH), written again here
 * (no code shared with jmh/src/main/c/faults.c): map 64 MiB anonymous, refuse transparent huge
 * pages (MADV_NOHUGEPAGE), write one byte to every 4 KiB page (each write a minor fault: the
 * kernel zeroes a page and maps it), unmap. Only the writes are timed; the figure is ns per page,
 * the benchmark's ns/op (@OperationsPerInvocation = pages). getrusage's minor-fault count is
 * printed beside it so a run that faulted less than once a page shows.
 *
 *   fault_loop [rounds]   prints two lines, 11 rounds each by default (1..11; after an
 *                         unprinted warm-up round):
 *   minor_fault pages=16384 ns/op: <round 1> ...
 *   minor_fault_count pages=16384 faults/page: <round 1> ...
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

enum { MAX_ROUNDS = 11, PAGE = 4096 };
#define BYTES (64L << 20)

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static long minor_faults(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_minflt;
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : MAX_ROUNDS;
    if (rounds < 1 || rounds > MAX_ROUNDS) { fprintf(stderr, "usage: fault_loop [rounds 1..11]\n"); return 2; }
    long pages = BYTES / PAGE;
    double ns[MAX_ROUNDS + 1], faults[MAX_ROUNDS + 1];
    for (int r = 0; r <= rounds; r++) {   /* round 0 is a warm-up, not printed */
        volatile char *p = mmap(NULL, BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) { perror("mmap"); return 1; }
        if (madvise((void *) p, BYTES, MADV_NOHUGEPAGE) != 0) { perror("madvise"); return 1; }
        long f0 = minor_faults();
        double t0 = now_ns();
        for (long i = 0; i < pages; i++) p[i * PAGE] = 1;
        ns[r] = (now_ns() - t0) / pages;
        faults[r] = (double) (minor_faults() - f0) / pages;
        munmap((void *) p, BYTES);
    }
    printf("minor_fault pages=%ld ns/op:", pages);
    for (int r = 1; r <= rounds; r++) printf(" %.1f", ns[r]);
    printf("\nminor_fault_count pages=%ld faults/page:", pages);
    for (int r = 1; r <= rounds; r++) printf(" %.3f", faults[r]);
    printf("\n");
    return 0;
}
