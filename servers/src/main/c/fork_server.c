/* Model (c1): fork per connection — the article's "fork mode". The server accepts; each
 * connection gets a new process that serves it (keep-alive) and exits. The server reaps exited
 * children whenever SIGCHLD interrupts accept(). Single-threaded, blocking, no shared state.
 *
 *   fork_server [--host 127.0.0.1] [--port 0] [--idle-timeout-ms 30000] [--backlog 4096]
 *
 * Prints "ready <port>" once listening; SIGTERM/SIGINT: stop accepting, SIGTERM every child,
 * reap them all, exit 0. */
#include "connection.h"
#include "listener.h"
#include "process_group.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    const char *host = "127.0.0.1";
    int port = 0, idle_ms = 30000, backlog = 4096;
    static const struct option opts[] = {
        {"host", required_argument, 0, 'h'}, {"port", required_argument, 0, 'p'},
        {"idle-timeout-ms", required_argument, 0, 'i'}, {"backlog", required_argument, 0, 'b'},
        {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'h': host = optarg; break;
        case 'p': port = atoi(optarg); break;
        case 'i': idle_ms = atoi(optarg); break;
        case 'b': backlog = atoi(optarg); break;
        default:
            fprintf(stderr, "usage: %s [--host H] [--port P] [--idle-timeout-ms N] [--backlog N]\n", argv[0]);
            return 2;
        }
    }
    pg_server_init();
    int lfd = listen_on(host, port, backlog, 0);
    printf("ready %d\n", bound_port(lfd));
    fflush(stdout);

    int warned = 0;
    while (!pg_stop) {
        pg_reap();
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EINTR && errno != ECONNABORTED) {
                /* EMFILE, ENOBUFS...: back off instead of spinning; clients wait in the backlog */
                if (!warned++) perror("accept (backing off)");
                nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
            }
            continue;
        }
        pid_t pid = pg_fork();
        if (pid == 0) {
            close(lfd);
            serve_connection(fd, idle_ms);
            _exit(0);
        }
        if (pid < 0) {
            /* EAGAIN (pid or memory limit): this client is dropped; say so once */
            if (!warned++) perror("fork (dropping connections)");
            nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
        }
        close(fd);
    }
    close(lfd);
    pg_terminate_and_reap();
    return 0;
}
