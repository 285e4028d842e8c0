#include "process_group.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

volatile sig_atomic_t pg_stop;

static void on_stop(int sig) { (void)sig; pg_stop = 1; }
static void on_child(int sig) { (void)sig; }

void pg_server_init(void) {
    pid_t launcher = getppid();
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != launcher) exit(0);          /* the launcher died before prctl */
    struct sigaction sa = {0};
    sa.sa_handler = on_stop;                     /* no SA_RESTART: accept() returns EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_child;
    sigaction(SIGCHLD, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

pid_t pg_fork(void) {
    sigset_t stop, old;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    sigprocmask(SIG_BLOCK, &stop, &old);
    pid_t server = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGCHLD, SIG_DFL);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != server) _exit(0);
        pg_stop = 0;
    }
    sigprocmask(SIG_SETMASK, &old, NULL);       /* child: a held SIGTERM now kills it */
    return pid;
}

int pg_reap(void) {
    int n = 0;
    while (waitpid(-1, NULL, WNOHANG) > 0) n++;
    return n;
}

void pg_terminate_and_reap(void) {
    signal(SIGTERM, SIG_IGN);                    /* the group signal reaches us too */
    kill(0, SIGTERM);
    for (;;) {
        pid_t r = waitpid(-1, NULL, 0);
        if (r < 0 && errno == ECHILD) return;
        if (r < 0 && errno != EINTR) return;
    }
}
