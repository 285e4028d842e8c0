/* Model (c2): prefork — N long-lived worker processes, each with its own listening socket on the
 * same port (SO_REUSEPORT; the kernel hashes each new connection to one of them), each serving
 * one connection at a time with blocking I/O, as Apache's prefork MPM does. A connection hashed
 * to a busy worker waits in that worker's accept queue even if another worker is free: the
 * price of sharing nothing. The server only supervises: it restarts a worker that dies.
 *
 *   prefork_server [--host 127.0.0.1] [--port 0] [--workers 256] [--idle-timeout-ms 30000] [--backlog 4096]
 *
 * Prints "ready <port>" once every worker's listener is bound; SIGTERM/SIGINT: SIGTERM every
 * worker, reap them all, exit 0. */
#include "connection.h"
#include "listener.h"
#include "process_group.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void worker_loop(int lfd, int idle_ms) {
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            struct timespec backoff = {0, 10 * 1000 * 1000};
            nanosleep(&backoff, NULL);
            continue;
        }
        serve_connection(fd, idle_ms);
        close(fd);
    }
}

/* Forks worker i serving on fds[i]. The worker closes every other listener it inherited (a
 * stray copy would keep a dead worker's socket, and the connections hashed to it, alive) and the
 * server closes fds[i]: each listener lives in exactly one process. */
static pid_t spawn(int *fds, int workers, int i, int idle_ms) {
    pid_t pid = pg_fork();
    if (pid == 0) {
        for (int k = 0; k < workers; k++)
            if (k != i && fds[k] >= 0) close(fds[k]);
        worker_loop(fds[i], idle_ms);
        _exit(0);
    }
    close(fds[i]);
    fds[i] = -1;
    return pid;
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1";
    int port = 0, idle_ms = 30000, backlog = 4096, workers = 256;
    static const struct option opts[] = {
        {"host", required_argument, 0, 'h'}, {"port", required_argument, 0, 'p'},
        {"workers", required_argument, 0, 'w'}, {"idle-timeout-ms", required_argument, 0, 'i'},
        {"backlog", required_argument, 0, 'b'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'h': host = optarg; break;
        case 'p': port = atoi(optarg); break;
        case 'w': workers = atoi(optarg); break;
        case 'i': idle_ms = atoi(optarg); break;
        case 'b': backlog = atoi(optarg); break;
        default:
            fprintf(stderr, "usage: %s [--host H] [--port P] [--workers N] [--idle-timeout-ms N] [--backlog N]\n", argv[0]);
            return 2;
        }
    }
    if (workers < 1) {
        fprintf(stderr, "--workers must be at least 1\n");
        return 2;
    }
    pg_server_init();
    /* Every listener is bound and listening before any worker runs, so "ready" means the whole
     * reuseport group is in place; with --port 0 the first listener picks the port. */
    int *fds = calloc((size_t)workers, sizeof *fds);
    pid_t *pids = calloc((size_t)workers, sizeof *pids);
    if (!fds || !pids) { perror("calloc"); return 1; }
    for (int i = 0; i < workers; i++) {
        fds[i] = listen_on(host, port, backlog, 1);
        if (port == 0) port = bound_port(fds[i]);
    }
    for (int i = 0; i < workers; i++) {
        pids[i] = spawn(fds, workers, i, idle_ms);
        if (pids[i] < 0) { perror("fork"); pg_stop = 1; break; }
    }
    printf("ready %d\n", port);
    fflush(stdout);

    while (!pg_stop) {
        int status;
        pid_t dead = waitpid(-1, &status, 0);         /* EINTR on SIGTERM */
        if (dead <= 0 || pg_stop) continue;
        for (int i = 0; i < workers; i++) {
            if (pids[i] != dead) continue;
            fprintf(stderr, "prefork: worker %d exited (status %d), restarting it\n", (int)dead, status);
            fds[i] = listen_on(host, port, backlog, 1);
            pids[i] = spawn(fds, workers, i, idle_ms);
        }
    }
    pg_terminate_and_reap();
    free(fds);
    free(pids);
    return 0;
}
