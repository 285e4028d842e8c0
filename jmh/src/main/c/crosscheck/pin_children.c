/*
 * pin_children: run a command with its first task pinned to one CPU and every task it creates
 * (fork or thread) pinned, in creation order, to the CPUs of a list — before the new task runs
 * a single instruction. `taskset` can only give all of them the same set, which is not the
 * "caller on CPU 0, partner on CPU 1" pinning the JMH ping-pong uses; this gives
 * `perf bench sched pipe` exactly that pinning.
 *
 *   pin_children <cpu of the command> <cpu,cpu,...> -- command args...
 *
 * How: the command runs under ptrace with PTRACE_O_TRACEFORK/TRACECLONE, so each new task is
 * born stopped; we set its affinity, then let it go. A new task is pinned at whichever comes
 * first, its parent's fork/clone event or its own initial stop (the kernel reports them in either
 * order); creation order is still kept, because the parent stays stopped at its event until we
 * let it go, so it cannot create the next task before this one is seen. No syscall tracing: after the tasks are
 * created, the tracer only sleeps in waitpid, and the traced tasks run at full speed.
 * Tasks beyond the list keep the inherited affinity.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

static int pin(pid_t pid, int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(pid, sizeof set, &set);
}

/* Pins pid to the next CPU of the list the first time it is seen; later sightings do nothing. */
static void pin_new_task(pid_t pid, pid_t *seen, int *nseen, const int *cpus, int ncpus, int *next) {
    for (int i = 0; i < *nseen; i++)
        if (seen[i] == pid) return;
    if (*nseen < 64) seen[(*nseen)++] = pid;
    if (*next < ncpus && pin(pid, cpus[(*next)++]) != 0) perror("pin_children: sched_setaffinity");
}

int main(int argc, char **argv) {
    if (argc < 5 || strcmp(argv[3], "--") != 0) {
        fprintf(stderr, "usage: pin_children <cpu of the command> <cpu,cpu,...> -- command args...\n");
        return 2;
    }
    int self_cpu = atoi(argv[1]);
    int child_cpus[64], nchild = 0;
    for (char *tok = strtok(argv[2], ","); tok && nchild < 64; tok = strtok(NULL, ","))
        child_cpus[nchild++] = atoi(tok);

    pid_t root = fork();
    if (root < 0) { perror("fork"); return 1; }
    if (root == 0) {
        if (pin(0, self_cpu) != 0) { perror("sched_setaffinity"); _exit(127); }
        ptrace(PTRACE_TRACEME, 0, NULL, NULL);
        raise(SIGSTOP);
        execvp(argv[4], &argv[4]);
        perror(argv[4]);
        _exit(127);
    }
    int status;
    if (waitpid(root, &status, 0) < 0 || !WIFSTOPPED(status)) { fprintf(stderr, "pin_children: command did not stop\n"); return 1; }
    ptrace(PTRACE_SETOPTIONS, root, NULL,
           (void *) (long) (PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_EXITKILL));
    ptrace(PTRACE_CONT, root, NULL, NULL);

    int next = 0, root_status = 0;
    pid_t seen[64];
    int nseen = 0;
    for (;;) {
        pid_t pid = waitpid(-1, &status, __WALL);
        if (pid < 0) {
            if (errno == EINTR) continue;
            break;  /* ECHILD: every traced task is gone */
        }
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            if (pid == root) root_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            continue;
        }
        if (!WIFSTOPPED(status)) continue;
        int sig = WSTOPSIG(status);
        int event = status >> 16;
        if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK || event == PTRACE_EVENT_CLONE) {
            unsigned long child = 0;
            ptrace(PTRACE_GETEVENTMSG, pid, NULL, &child);
            pin_new_task((pid_t) child, seen, &nseen, child_cpus, nchild, &next);
            ptrace(PTRACE_CONT, pid, NULL, NULL);
            continue;
        }
        if (pid != root) pin_new_task(pid, seen, &nseen, child_cpus, nchild, &next);
        /* A new task's initial SIGSTOP (or a group stop) is swallowed; other signals go through. */
        ptrace(PTRACE_CONT, pid, NULL, (void *) (long) (sig == SIGSTOP || sig == SIGTRAP ? 0 : sig));
    }
    return root_status;
}
