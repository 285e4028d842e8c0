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
 *   spawn_costs [rounds] [fork|pinned] [mechanism] [parent-mappings]   default 7; each round
 *       times a fixed count per mechanism; a mechanism (pthread_create_join, vfork_wait,
 *       posix_spawn_wait) times that one only, as the paired checks run it beside one JMH
 *       iteration; parent-mappings first gives this process as many memory mappings as the
 *       process that started it has (the JMH fork, in the paired checks), and adds
 *       mappings=<this process's> parent_mappings=<the parent's> to the line.
 *
 * Why the mapping count matters to vfork: a vfork child borrows its parent's mm, and when it
 * _exits, do_exit calls acct_collect (BSD process accounting, CONFIG_BSD_PROCESS_ACCT, run
 * whether accounting is switched on or not), which walks every VMA of that mm to sum the
 * virtual size. So the child of a parent with a JVM's few hundred mappings pays for a walk
 * the small process's child does not (found with perf record -e cpu-clock on CPU 0: mas_next_slot
 * and acct_collect near the top of the JVM's profile, not of the small process's; and a C parent
 * given extra single-page mappings vforked at a cost that grew with their number). Its pages,
 * touched or not, do not matter: one 1 GiB mapping is one VMA.
 */
#include <pthread.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

/* The lines of /proc/<pid>/maps: one per mapping (VMA). */
static int mappings_of(pid_t pid) {
    char path[64], line[4096];
    snprintf(path, sizeof path, "/proc/%d/maps", (int) pid);
    FILE *maps = fopen(path, "r");
    if (!maps) { perror(path); exit(1); }
    int n = 0;
    while (fgets(line, sizeof line, maps))
        if (strchr(line, '\n')) n++;
    fclose(maps);
    return n;
}

/* Adds mappings until this process has at least `target`: one reservation, every other page of it
 * made readable, so that each readable page and each hole between two is a mapping of its own
 * (2m - 1 more for m readable pages). Nothing is touched: a VMA costs the walk, not its pages. */
static int grow_mappings_to(int target) {
    int more = target - mappings_of(getpid());
    if (more > 0) {
        long page = sysconf(_SC_PAGESIZE), readable = (more + 1) / 2;
        char *base = mmap(NULL, (size_t) (2 * readable + 1) * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (base == MAP_FAILED) { perror("mmap"); exit(1); }
        for (long i = 0; i < readable; i++)
            if (mprotect(base + 2 * i * page, page, PROT_READ) != 0) { perror("mprotect"); exit(1); }
    }
    return mappings_of(getpid());
}

static char shape[64];   /* " mappings=<n> parent_mappings=<n>" when parent-mappings was asked for */

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
    printf("%s count=%d placement=%s%s ns/op:", name, n, placement, shape);
    for (int r = 0; r < rounds; r++) printf(" %.1f", per_op[r]);
    printf("\n");
    fflush(stdout);
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 7;
    only = argc > 3 ? argv[3] : NULL;
    int like_parent = argc > 4 && strcmp(argv[4], "parent-mappings") == 0;
    if (rounds < 1 || rounds > 64 || (argc > 2 && strcmp(argv[2], "pinned") && strcmp(argv[2], "fork") && strcmp(argv[2], "free"))
        || (only && strcmp(only, "pthread_create_join") && strcmp(only, "vfork_wait") && strcmp(only, "posix_spawn_wait"))
        || (argc > 4 && !like_parent) || argc > 5) {
        fprintf(stderr, "usage: spawn_costs [rounds 1..64] [free|pinned|fork] [pthread_create_join|vfork_wait|posix_spawn_wait] [parent-mappings]\n");
        return 2;
    }
    if (like_parent) {
        int parent = mappings_of(getppid());
        int own = grow_mappings_to(parent);
        snprintf(shape, sizeof shape, " mappings=%d parent_mappings=%d", own, parent);
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
