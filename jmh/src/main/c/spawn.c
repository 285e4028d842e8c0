/*
 * Spawn-and-reap loops: create a context that does nothing, wait for it, n times, all in C so
 * a Java->native crossing is paid once per loop, not per spawn. Each returns the number of
 * contexts that were created and reaped with a clean exit, so a caller can prove none leaked.
 *
 * fork() from inside a JVM copies the page tables of every private anonymous mapping the JVM
 * has touched (heap, metaspace, malloc arenas, thread stacks): its cost grows with the parent's
 * resident anonymous memory, which is why fork servers fork from a small process. vfork()
 * shares the address space (nothing is copied) and suspends only the calling thread until the
 * child exits. posix_spawn in glibc uses clone(CLONE_VM | CLONE_VFORK) + exec, so it does not
 * pay for the parent's size either.
 */
#include <errno.h>
#include <pthread.h>
#include <spawn.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void *return_at_once(void *arg) {
    return arg;
}

int64_t cl_spawn_pthread_join(int64_t n) {
    int64_t reaped = 0;
    for (int64_t i = 0; i < n; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, return_at_once, NULL) != 0) break;
        if (pthread_join(t, NULL) == 0) reaped++;
    }
    return reaped;
}

static int reaped_clean_exit(pid_t pid) {
    int status;
    pid_t got;
    do {
        got = waitpid(pid, &status, 0);
    } while (got < 0 && errno == EINTR);
    return got == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The child only calls _exit: after fork in a multi-threaded process nothing else is safe. */
int64_t cl_spawn_fork_wait(int64_t n) {
    int64_t reaped = 0;
    for (int64_t i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0) _exit(0);
        if (pid < 0) break;
        reaped += reaped_clean_exit(pid);
    }
    return reaped;
}

/* The vfork child lives only inside this frame (it runs on the parent's stack until _exit), so
 * the loop's variables in the caller are never live across the vfork. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static __attribute__((noinline)) pid_t vfork_child_that_exits(void) {
    pid_t pid = vfork();
    if (pid == 0) _exit(0);
    return pid;
}
#pragma GCC diagnostic pop

int64_t cl_spawn_vfork_wait(int64_t n) {
    int64_t reaped = 0;
    for (int64_t i = 0; i < n; i++) {
        pid_t pid = vfork_child_that_exits();
        if (pid < 0) break;
        reaped += reaped_clean_exit(pid);
    }
    return reaped;
}

/* posix_spawn(path) with no arguments, then waitpid. */
int64_t cl_spawn_posix_spawn_wait(const char *path, int64_t n) {
    char *argv[] = {(char *) path, NULL};
    int64_t reaped = 0;
    for (int64_t i = 0; i < n; i++) {
        pid_t pid;
        if (posix_spawn(&pid, path, NULL, NULL, argv, environ) != 0) break;
        reaped += reaped_clean_exit(pid);
    }
    return reaped;
}
