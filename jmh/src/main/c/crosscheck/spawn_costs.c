/*
 * Spawn costs measured from a small process (a few MiB resident, not a JVM): pthread_create +
 * join, vfork + waitpid, posix_spawn(/bin/true) + waitpid, and fork + waitpid. The first three
 * are to agree with SpawnCosts (placement=free, the scheduler's choice here too); fork (asked
 * for by a second argument) is shown beside forkWait for information only, because fork from a
 * small process is meant to differ from forkWait inside the JVM: the gap is the JVM's page
 * tables being copied. One text line per mechanism with every round's figure, which
 * io.contextlab.lab.references.StacksReference reads (median):
 *   <mechanism> count=<per round> ns/op: <round 1> <round 2> ...
 *
 *   spawn_costs [rounds] [fork|pinned] [mechanism]   default 7; each round times a fixed count
 *       per mechanism; a mechanism (pthread_create_join, vfork_wait, posix_spawn_wait) times that
 *       one only, as the paired checks run it beside one JMH iteration
 */
#include <pthread.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void *nothing(void *arg) { return arg; }

static void pthreads(int n) {
    for (int i = 0; i < n; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, nothing, NULL) != 0) { perror("pthread_create"); exit(1); }
        pthread_join(t, NULL);
    }
}

static void wait_for(pid_t pid) {
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) { perror("waitpid"); exit(1); }
}

static void forks(int n) {
    for (int i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0) _exit(0);
        if (pid < 0) { perror("fork"); exit(1); }
        wait_for(pid);
    }
}

#pragma GCC diagnostic ignored "-Wclobbered"
static void vforks(int n) {
    for (int i = 0; i < n; i++) {
        pid_t pid = vfork();
        if (pid == 0) _exit(0);
        if (pid < 0) { perror("vfork"); exit(1); }
        wait_for(pid);
    }
}

static void spawns(int n) {
    char *argv[] = {"/bin/true", NULL};
    for (int i = 0; i < n; i++) {
        pid_t pid;
        if (posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ) != 0) { perror("posix_spawn"); exit(1); }
        wait_for(pid);
    }
}

/* Times rounds of n calls of fn (after a warm-up) and prints the line described above. */
static const char *placement = "free";

static const char *only;   /* one mechanism only; NULL: every one */

static void measure(const char *name, void (*fn)(int), int n, int rounds) {
    if (only && strcmp(only, name) != 0) return;
    double per_op[64];
    fn(n / 10 + 1);
    for (int r = 0; r < rounds; r++) {
        double t0 = now_ns();
        fn(n);
        per_op[r] = (now_ns() - t0) / n;
    }
    printf("%s count=%d placement=%s ns/op:", name, n, placement);
    for (int r = 0; r < rounds; r++) printf(" %.1f", per_op[r]);
    printf("\n");
    fflush(stdout);
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 7;
    only = argc > 3 ? argv[3] : NULL;
    if (rounds < 1 || rounds > 64 || (argc > 2 && strcmp(argv[2], "pinned") && strcmp(argv[2], "fork") && strcmp(argv[2], "free"))
        || (only && strcmp(only, "pthread_create_join") && strcmp(only, "vfork_wait") && strcmp(only, "posix_spawn_wait"))) {
        fprintf(stderr, "usage: spawn_costs [rounds 1..64] [free|pinned|fork] [pthread_create_join|vfork_wait|posix_spawn_wait]\n");
        return 2;
    }
    if (argc > 2 && strcmp(argv[2], "pinned") == 0) {
        cpu_set_t cpu0;
        CPU_ZERO(&cpu0);
        CPU_SET(0, &cpu0);
        if (sched_setaffinity(0, sizeof cpu0, &cpu0) != 0) { perror("sched_setaffinity"); return 1; }
        placement = "oneCpu";
    } else if (argc > 2 && strcmp(argv[2], "fork") == 0) {   /* from this small process, for information */
        measure("fork_wait", forks, 100, rounds);
        return 0;
    }
    measure("pthread_create_join", pthreads, 1000, rounds);
    measure("vfork_wait", vforks, 200, rounds);
    measure("posix_spawn_wait", spawns, 100, rounds);
    return 0;
}
