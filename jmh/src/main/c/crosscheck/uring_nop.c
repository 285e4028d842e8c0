/*
 * An independent C loop for the uring suite: batches of N IORING_OP_NOP, one io_uring_enter
 * (submit N, wait for N) per batch, the figure io.contextlab.uring.NopBatching.nopPerEnter
 * measures through liburing and the native library. Written on the raw system calls
 * (io_uring_setup, mmap of the rings, io_uring_enter) and sharing no code with uring.c, so it
 * also checks that liburing adds nothing of note. Timed with clock_gettime around rounds; every
 * round's figure per N is printed on one text line, which io.contextlab.lab.references.UringReference
 * reads (median):
 *   nop n=<N> nops=<per round> ns/op: <round 1> <round 2> ...
 *
 * Usage: uring_nop [ops per round] N...
 */
#include <linux/io_uring.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
static struct io_uring_sqe *sqes;
static struct io_uring_cqe *cqes;
static int ring_fd;

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int setup(unsigned entries) {
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    ring_fd = (int) syscall(__NR_io_uring_setup, entries, &p);
    if (ring_fd < 0) { perror("io_uring_setup"); return -1; }
    size_t sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    size_t cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    if (p.features & IORING_FEAT_SINGLE_MMAP) sq_len = cq_len = sq_len > cq_len ? sq_len : cq_len;
    char *sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring_fd, IORING_OFF_SQ_RING);
    char *cq = (p.features & IORING_FEAT_SINGLE_MMAP) ? sq
             : mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring_fd, IORING_OFF_CQ_RING);
    sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                ring_fd, IORING_OFF_SQES);
    if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED) { perror("mmap"); return -1; }
    sq_tail = (unsigned *) (sq + p.sq_off.tail);
    sq_mask = (unsigned *) (sq + p.sq_off.ring_mask);
    sq_array = (unsigned *) (sq + p.sq_off.array);
    cq_head = (unsigned *) (cq + p.cq_off.head);
    cq_tail = (unsigned *) (cq + p.cq_off.tail);
    cq_mask = (unsigned *) (cq + p.cq_off.ring_mask);
    cqes = (struct io_uring_cqe *) (cq + p.cq_off.cqes);
    return 0;
}

/* One batch: n NOPs in the SQ ring, one io_uring_enter(n, n, GETEVENTS), n completions reaped. */
static int batch(unsigned n) {
    unsigned tail = *sq_tail;
    for (unsigned i = 0; i < n; i++, tail++) {
        unsigned idx = tail & *sq_mask;
        memset(&sqes[idx], 0, sizeof sqes[idx]);
        sqes[idx].opcode = IORING_OP_NOP;
        sqes[idx].user_data = i;
        sq_array[idx] = idx;
    }
    __atomic_store_n(sq_tail, tail, __ATOMIC_RELEASE);
    if (syscall(__NR_io_uring_enter, ring_fd, n, n, IORING_ENTER_GETEVENTS, NULL, 0) < 0) { perror("io_uring_enter"); return -1; }
    unsigned head = *cq_head, ctail = __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE), got = 0;
    for (; head != ctail; head++, got++)
        if (cqes[head & *cq_mask].res != 0) { fprintf(stderr, "NOP failed\n"); return -1; }
    __atomic_store_n(cq_head, head, __ATOMIC_RELEASE);
    return got == n ? 0 : -1;
}

int main(int argc, char **argv) {
    long ops = argc > 1 ? atol(argv[1]) : 1 << 18;
    enum { ROUNDS = 11 };
    if (setup(512) != 0) return 1;
    for (int a = 2; a < argc || a == 2; a++) {
        unsigned n = argc > a ? (unsigned) atoi(argv[a]) : 64;
        if (n < 1 || n > 512) { fprintf(stderr, "N must be 1..512\n"); return 2; }
        long done = (ops + n - 1) / n * n;  /* whole batches */
        double per_op[ROUNDS];
        for (int r = -1; r < ROUNDS; r++) {  /* round -1 warms up */
            double t0 = now_ns();
            for (long k = 0; k < done; k += n)
                if (batch(n) != 0) return 1;
            if (r >= 0) per_op[r] = (now_ns() - t0) / (double) done;
        }
        printf("nop n=%u nops=%ld ns/op:", n, done);
        for (int r = 0; r < ROUNDS; r++) printf(" %.3f", per_op[r]);
        printf("\n");
    }
    return 0;
}
