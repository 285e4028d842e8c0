/* The life of a forking server's processes: the server leads its own process group, every
 * process dies with its parent, and shutdown takes the whole group down and reaps it. */
#ifndef CONTEXTLAB_PROCESS_GROUP_H
#define CONTEXTLAB_PROCESS_GROUP_H

#include <signal.h>
#include <sys/types.h>

extern volatile sig_atomic_t pg_stop;   /* set by SIGTERM/SIGINT in the server process */

/* In the server: own process group, SIGTERM when the launcher dies, SIGTERM/SIGINT set pg_stop
 * (without SA_RESTART, so a blocking accept returns EINTR), SIGCHLD interrupts too, SIGPIPE off. */
void pg_server_init(void);

/* fork() for the server: the child starts with default SIGTERM/SIGINT (a shutdown signal sent
 * while it was being born is held until then, never lost in the server's handler) and SIGKILL
 * as its parent-death signal. Returns like fork(). */
pid_t pg_fork(void);

/* Reaps every exited child without blocking; returns how many. */
int pg_reap(void);

/* SIGTERMs the process group (children die by default disposition) and reaps every child:
 * no child survives the server and no zombie is left. */
void pg_terminate_and_reap(void);

#endif
