/*
 * Kernel-mediated ping-pong: the calling thread and a partner pass a token back and forth,
 * each side blocking until it is its turn, so every one-way pass is a wake-up plus a context
 * switch (or a cross-CPU wake-up when the two are pinned apart).
 *
 *   futex threads    - a shared word; FUTEX_WAIT until it flips, FUTEX_WAKE after flipping it
 *   pipe threads     - two pipes, 4-byte write then read, like `perf bench sched pipe -T`
 *   pipe processes   - the same with a forked child (lat_ctx / `perf bench sched pipe`)
 *
 * The partner is created once (cl_pingpong_new) and pinned from its first instruction: the
 * thread through its attributes, the child with sched_setaffinity before it reads anything.
 * The calling thread's pinning is the caller's business (Java pins it with Affinity).
 * The forked child of a JVM runs nothing but read/write/_exit, all async-signal-safe.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum { FUTEX_THREADS = 0, PIPE_THREADS = 1, PIPE_PROCESSES = 2 };
enum { CALLER_TURN = 0, PARTNER_TURN = 1 };

struct pingpong {
    int kind;
    int partner_cpu;
    _Atomic uint32_t turn;
    _Atomic int stop;
    int64_t partner_passes;
    int to_partner[2];
    int from_partner[2];
    pthread_t thread;
    pid_t child;
};

static void futex_wait(_Atomic uint32_t *word, uint32_t expected) {
    syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

static void futex_wake(_Atomic uint32_t *word) {
    syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *futex_partner(void *arg) {
    struct pingpong *p = arg;
    for (;;) {
        while (atomic_load(&p->turn) == CALLER_TURN) futex_wait(&p->turn, CALLER_TURN);
        if (atomic_load(&p->stop)) return NULL;
        p->partner_passes++;
        atomic_store(&p->turn, CALLER_TURN);
        futex_wake(&p->turn);
    }
}

/* Reads until EOF, answering each token; the count it returns is what it passed back. */
static int64_t pipe_partner_loop(int in, int out) {
    int64_t passes = 0;
    int token;
    for (;;) {
        ssize_t got = read(in, &token, sizeof token);
        if (got <= 0) return passes;
        if (write(out, &token, sizeof token) != (ssize_t) sizeof token) return passes;
        passes++;
    }
}

static void *pipe_partner(void *arg) {
    struct pingpong *p = arg;
    p->partner_passes = pipe_partner_loop(p->to_partner[0], p->from_partner[1]);
    return NULL;
}

static int start_thread(struct pingpong *p, void *(*fn)(void *)) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    if (p->partner_cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(p->partner_cpu, &set);
        pthread_attr_setaffinity_np(&attr, sizeof set, &set);
    }
    int rc = pthread_create(&p->thread, &attr, fn, p);
    pthread_attr_destroy(&attr);
    return rc;
}

static int start_child(struct pingpong *p) {
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        if (p->partner_cpu >= 0) {
            cpu_set_t set;
            CPU_ZERO(&set);
            CPU_SET(p->partner_cpu, &set);
            sched_setaffinity(0, sizeof set, &set);
        }
        close(p->to_partner[1]);
        close(p->from_partner[0]);
        int64_t passes = pipe_partner_loop(p->to_partner[0], p->from_partner[1]);
        ssize_t ignored = write(p->from_partner[1], &passes, sizeof passes);
        (void) ignored;
        _exit(0);
    }
    p->child = pid;
    close(p->to_partner[0]);
    close(p->from_partner[1]);
    p->to_partner[0] = p->from_partner[1] = -1;
    return 0;
}

/* kind: 0 futex threads, 1 pipe threads, 2 pipe processes; partner_cpu -1 = not pinned. */
struct pingpong *cl_pingpong_new(int kind, int partner_cpu) {
    struct pingpong *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->kind = kind;
    p->partner_cpu = partner_cpu;
    p->to_partner[0] = p->to_partner[1] = p->from_partner[0] = p->from_partner[1] = -1;
    int rc;
    if (kind == FUTEX_THREADS) {
        rc = start_thread(p, futex_partner);
    } else {
        if (pipe2(p->to_partner, O_CLOEXEC) != 0 || pipe2(p->from_partner, O_CLOEXEC) != 0) rc = -1;
        else rc = kind == PIPE_THREADS ? start_thread(p, pipe_partner) : start_child(p);
    }
    if (rc != 0) {
        for (int i = 0; i < 2; i++) {
            if (p->to_partner[i] >= 0) close(p->to_partner[i]);
            if (p->from_partner[i] >= 0) close(p->from_partner[i]);
        }
        free(p);
        return NULL;
    }
    return p;
}

/* n round trips (2n one-way passes); returns the tokens that came back, or -1 on a pipe error. */
int64_t cl_pingpong_run(struct pingpong *p, int64_t n) {
    if (p->kind == FUTEX_THREADS) {
        for (int64_t i = 0; i < n; i++) {
            atomic_store(&p->turn, PARTNER_TURN);
            futex_wake(&p->turn);
            while (atomic_load(&p->turn) == PARTNER_TURN) futex_wait(&p->turn, PARTNER_TURN);
        }
        return n;
    }
    int token = 0;
    int64_t back = 0;
    for (int64_t i = 0; i < n; i++) {
        if (write(p->to_partner[1], &token, sizeof token) != (ssize_t) sizeof token) return -1;
        if (read(p->from_partner[0], &token, sizeof token) != (ssize_t) sizeof token) return -1;
        back++;
    }
    return back;
}

/* Stops the partner; returns how many tokens it passed back over its life (-1 if unknown). */
int64_t cl_pingpong_free(struct pingpong *p) {
    if (!p) return -1;
    int64_t passes = -1;
    if (p->kind == FUTEX_THREADS) {
        atomic_store(&p->stop, 1);
        atomic_store(&p->turn, PARTNER_TURN);
        futex_wake(&p->turn);
        pthread_join(p->thread, NULL);
        passes = p->partner_passes;
    } else if (p->kind == PIPE_THREADS) {
        close(p->to_partner[1]);
        pthread_join(p->thread, NULL);
        passes = p->partner_passes;
        close(p->to_partner[0]);
        close(p->from_partner[0]);
        close(p->from_partner[1]);
    } else {
        close(p->to_partner[1]);
        if (read(p->from_partner[0], &passes, sizeof passes) != (ssize_t) sizeof passes) passes = -1;
        close(p->from_partner[0]);
        int status;
        while (waitpid(p->child, &status, 0) < 0 && errno == EINTR) {}
    }
    free(p);
    return passes;
}
