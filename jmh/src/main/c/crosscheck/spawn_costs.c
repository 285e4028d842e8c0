/*
 * Spawn costs measured from a small process (a few MiB resident, not a JVM): pthread_create +
 * join, vfork + waitpid, posix_spawn(/bin/true) + waitpid, and fork + waitpid. The first three
 * are printed as JSON lines to agree with SpawnCosts (placement=free, the scheduler's choice
 * here too); fork is printed as a plain line for $RUN_DIR/spawn-small-process.txt, because fork
 * from a small process is meant to differ from forkWait inside the JVM: the gap is the JVM's
 * page tables being copied.
 *
 *   spawn_costs [rounds]      default 7; each round times a fixed count per mechanism
 */
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
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

static int cmp(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

static double median_us(void (*fn)(int), int n, int rounds) {
    double per_op[64];
    fn(n / 10 + 1);
    for (int r = 0; r < rounds; r++) {
        double t0 = now_ns();
        fn(n);
        per_op[r] = (now_ns() - t0) / n / 1000.0;
    }
    qsort(per_op, (size_t) rounds, sizeof per_op[0], cmp);
    return per_op[rounds / 2];
}

static void check(const char *name, const char *method, double us, int n, int rounds) {
    printf("{\"check\":\"%s\",\"benchmark\":\"io.contextlab.stacks.SpawnCosts.%s\",\"params\":{\"placement\":\"free\"},"
           "\"reference\":\"stand-alone C process (crosscheck/spawn_costs.c), median of %d rounds of %d\","
           "\"ns_per_op\":%.1f,\"tolerance\":0.3}\n", name, method, rounds, n, us * 1000.0);
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 7;
    if (rounds < 1 || rounds > 64) { fprintf(stderr, "usage: spawn_costs [rounds 1..64]\n"); return 2; }
    if (argc > 2) {   /* "fork": the plain-text line for the run directory */
        printf("fork+waitpid from a small C process (crosscheck/spawn_costs.c): %.1f us/op (median of %d rounds of 100)\n",
               median_us(forks, 100, rounds), rounds);
        return 0;
    }
    check("pthread_create+join", "pthreadCreateJoin", median_us(pthreads, 1000, rounds), 1000, rounds);
    check("vfork+waitpid", "vforkWait", median_us(vforks, 200, rounds), 200, rounds);
    check("posix_spawn /bin/true+waitpid", "posixSpawnWait", median_us(spawns, 100, rounds), 100, rounds);
    return 0;
}
