/* The listening socket of the C servers. */
#ifndef CONTEXTLAB_LISTENER_H
#define CONTEXTLAB_LISTENER_H

/* A TCP listener on host:port (port 0: the kernel picks), SO_REUSEADDR, and SO_REUSEPORT when
 * reuse_port is set; close-on-exec. Exits with a one-line message when it cannot bind. */
int listen_on(const char *host, int port, int backlog, int reuse_port);

/* The port a bound socket listens on. */
int bound_port(int fd);

#endif
