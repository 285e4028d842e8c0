/* The blocking connection loop of the C servers: the same deadline rule as the Java models'
 * BlockingConnection — the next request head must be complete within idle_ms of the accept or
 * of the previous response, so a client trickling bytes is closed like a silent one. */
#include "connection.h"
#include "http.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int write_all(int fd, const char *b, size_t n) {
    while (n > 0) {
        ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Half-close, then drop what the client still sends (at most LINGER_MAX_MS and LINGER_MAX_BYTES):
 * closing with unread input would make the kernel send a reset that can destroy the response
 * (nginx's lingering close, BlockingConnection.lingeringClose in Java). */
static void lingering_close(int fd, int idle_ms) {
    char scratch[4096];
    size_t drained = 0;
    shutdown(fd, SHUT_WR);
    long long deadline = now_ms() + (idle_ms < LINGER_MAX_MS ? idle_ms : LINGER_MAX_MS);
    while (drained < LINGER_MAX_BYTES) {
        long long remaining = deadline - now_ms();
        if (remaining <= 0) return;
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int r = poll(&pfd, 1, (int)remaining);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return;
        ssize_t got = recv(fd, scratch, sizeof scratch, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return;
        drained += (size_t)got;
    }
}

void serve_connection(int fd, int idle_ms) {
    char in[HTTP_MAX_HEAD];
    char out[1024];
    size_t start = 0, end = 0;
    struct http_parser parser = {0};
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    long long deadline = now_ms() + idle_ms;
    for (;;) {
        enum http_verdict v = http_parse(&parser, in + start, end - start);
        if (v != HTTP_NEED_MORE) {
            size_t n = http_response(&parser, v, out, sizeof out);
            if (write_all(fd, out, n) < 0) return;
            if (v == HTTP_REJECT || !parser.keep_alive) {
                lingering_close(fd, idle_ms);
                return;
            }
            start += parser.head_len;
            deadline = now_ms() + idle_ms;
            continue;
        }
        if (start > 0) {
            memmove(in, in + start, end - start);
            end -= start;
            start = 0;
        }
        long long remaining = deadline - now_ms();
        if (remaining <= 0) return;
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int r = poll(&pfd, 1, (int)remaining);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return;                           /* idle deadline, or poll failed */
        ssize_t got = recv(fd, in + end, sizeof in - end, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return;                         /* closed or reset, possibly mid-request */
        end += (size_t)got;
    }
}
