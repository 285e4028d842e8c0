/* Serving one connection with blocking I/O in the calling process (fork child, prefork worker). */
#ifndef CONTEXTLAB_CONNECTION_H
#define CONTEXTLAB_CONNECTION_H

/* The lingering close after the last response (BlockingConnection.LINGER_MILLIS and
 * LINGER_BYTES in Java): drain what the client still sends for at most this long and this much. */
#define LINGER_MAX_MS 1000
#define LINGER_MAX_BYTES (64 * 1024)

/* Serves requests on fd until the client closes or asks to, misbehaves, or idles past
 * idle_ms (a deadline for the next complete request head, as in BlockingConnection.java).
 * Does not close fd. */
void serve_connection(int fd, int idle_ms);

#endif
