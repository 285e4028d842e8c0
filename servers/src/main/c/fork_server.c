/* Model (c1): fork per connection — the article's "fork mode". The server accepts; each
 * connection gets a new process that serves it (keep-alive) and exits. The server reaps exited
 * children whenever SIGCHLD interrupts accept(). Single-threaded, blocking, no shared state.
 * With --mode thread (model c-thread, the article's "thread mode"): the same accept loop and the
 * same serve_connection, but each connection gets a detached pthread instead of a process, so
 * the 2x2 of the article (c-thread, c-fork against py-thread, py-fork) differs in one thing.
 *
 *   fork_server [--mode fork|thread] [--host 127.0.0.1] [--port 0] [--idle-timeout-ms 30000] [--backlog 4096]
 *
 * Prints "ready <port>" once listening; SIGTERM/SIGINT: stop accepting, SIGTERM every child,
 * reap them all (thread mode: the process exits with its threads), exit 0. */
#include "connection.h"
#include "listener.h"
#include "process_group.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct conn_arg { int fd; int idle_ms; };

static void *thread_main(void *p) {
    struct conn_arg a = *(struct conn_arg *)p;
    free(p);
    serve_connection(a.fd, a.idle_ms);
    close(a.fd);
    return NULL;
}

/* One detached thread per connection, with a 256 KiB stack (serve_connection needs about 9 KiB);
 * returns 0, or an errno when the thread could not be created (the caller drops the connection). */
static int spawn_thread(int fd, int idle_ms) {
    static pthread_attr_t attr;
    static int attr_ready;
    if (!attr_ready) {
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attr, 256 * 1024);
        attr_ready = 1;
    }
    struct conn_arg *a = malloc(sizeof *a);
    if (!a) return ENOMEM;
    a->fd = fd;
    a->idle_ms = idle_ms;
    /* The thread starts with SIGTERM/SIGINT/SIGCHLD blocked, so they reach the accepting thread
     * and interrupt its accept() (see pg_server_init). */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGCHLD);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    pthread_t t;
    int err = pthread_create(&t, &attr, thread_main, a);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (err) free(a);
    return err;
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1";
    int port = 0, idle_ms = 30000, backlog = 4096, threads = 0;
    static const struct option opts[] = {
        {"mode", required_argument, 0, 'm'},
        {"host", required_argument, 0, 'h'}, {"port", required_argument, 0, 'p'},
        {"idle-timeout-ms", required_argument, 0, 'i'}, {"backlog", required_argument, 0, 'b'},
        {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'm':
            if (strcmp(optarg, "thread") == 0) threads = 1;
            else if (strcmp(optarg, "fork") == 0) threads = 0;
            else { fprintf(stderr, "--mode is fork or thread, got '%s'\n", optarg); return 2; }
            break;
        case 'h': host = optarg; break;
        case 'p': port = atoi(optarg); break;
        case 'i': idle_ms = atoi(optarg); break;
        case 'b': backlog = atoi(optarg); break;
        default:
            fprintf(stderr, "usage: %s [--mode fork|thread] [--host H] [--port P] [--idle-timeout-ms N] [--backlog N]\n", argv[0]);
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
        if (threads) {
            int err = spawn_thread(fd, idle_ms);
            if (err) {
                if (!warned++) fprintf(stderr, "pthread_create (dropping connections): %s\n", strerror(err));
                close(fd);
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
