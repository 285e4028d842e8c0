/* Model (c3): uring — one thread, one io_uring, completion-based: the kernel accepts, receives
 * and sends, and the loop only reaps "done" events. The epoll event loop (the Java selector
 * model) is told "ready" and then makes each accept/read/write call itself; here:
 *   - one multishot accept on the listener yields a completion per new connection;
 *   - one multishot receive per connection yields a completion per arrival, the bytes already
 *     in a buffer the kernel picked from a provided-buffer ring (no buffer is tied up by an idle
 *     connection, the way a read(2)-per-readiness loop would need one per pending read);
 *   - responses go out with IORING_OP_SEND, one in flight per connection;
 *   - a timeout op ticks the idle deadlines (the same rule as the blocking C servers: the next
 *     request head must be complete within idle_ms of the accept or the previous response).
 * Every submission of a loop turn goes in with the one io_uring_enter that also waits.
 *
 *   uring_server [--host 127.0.0.1] [--port 0] [--idle-timeout-ms 30000] [--backlog 4096] [--entries 4096]
 *
 * Prints "ready <port>" once listening; SIGTERM/SIGINT: closes every connection and exits 0. */
#include "connection.h"
#include "http.h"
#include "listener.h"
#include "process_group.h"

#include <errno.h>
#include <getopt.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUF_GROUP 0
#define BUF_COUNT 1024            /* provided receive buffers, shared by every connection */
#define BUF_SIZE 4096

enum op { OP_ACCEPT = 1, OP_RECV, OP_SEND, OP_TICK, OP_CANCEL };
#define USER_DATA(op, fd) (((uint64_t)(op) << 32) | (uint32_t)(fd))

enum state { OPEN, LINGERING, CLOSING };

struct conn {
    int fd;
    enum state state;
    int recv_armed, sending, final_response;
    long long deadline_ms;
    size_t start, end, drained;
    char in[HTTP_MAX_HEAD];
    struct http_parser parser;
    char *out;
    size_t out_len, out_sent, out_cap;
};

static struct io_uring ring;
static struct io_uring_buf_ring *bufs;
static char *buf_memory;
static struct conn **conns;     /* by fd */
static int max_fds, listen_fd, idle_ms;
static struct __kernel_timespec tick;

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A free submission slot; a full ring is flushed to the kernel first. */
static struct io_uring_sqe *sqe_for(enum op op, int fd) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    if (!sqe) {
        io_uring_submit(&ring);
        sqe = io_uring_get_sqe(&ring);
    }
    if (!sqe) { fprintf(stderr, "uring_server: submission ring full\n"); exit(1); }
    io_uring_sqe_set_data64(sqe, USER_DATA(op, fd));
    return sqe;
}

static void arm_accept(void) {
    io_uring_prep_multishot_accept(sqe_for(OP_ACCEPT, listen_fd), listen_fd, NULL, NULL, SOCK_CLOEXEC);
}

static void arm_recv(struct conn *c) {
    struct io_uring_sqe *sqe = sqe_for(OP_RECV, c->fd);
    io_uring_prep_recv_multishot(sqe, c->fd, NULL, 0, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = BUF_GROUP;
    c->recv_armed = 1;
}

static void arm_tick(void) {
    io_uring_prep_timeout(sqe_for(OP_TICK, 0), &tick, 0, 0);
}

static void give_back_buffer(unsigned id) {
    io_uring_buf_ring_add(bufs, buf_memory + (size_t)id * BUF_SIZE, BUF_SIZE, (unsigned short)id,
                          io_uring_buf_ring_mask(BUF_COUNT), 0);
    io_uring_buf_ring_advance(bufs, 1);
}

static void free_if_idle(struct conn *c) {
    if (c->state != CLOSING || c->recv_armed || c->sending) return;
    close(c->fd);
    conns[c->fd] = NULL;
    free(c->out);
    free(c);
}

/* Stops the connection: shutdown makes the pending receive complete, a cancel makes sure of it;
 * the fd is closed once no operation on it is in flight (so a reused fd number can never meet
 * a stale completion). */
static void conn_close(struct conn *c) {
    if (c->state != CLOSING) {
        c->state = CLOSING;
        shutdown(c->fd, SHUT_RDWR);
        if (c->recv_armed) io_uring_prep_cancel64(sqe_for(OP_CANCEL, c->fd), USER_DATA(OP_RECV, c->fd), 0);
    }
    free_if_idle(c);   /* c may be gone after this */
}

static void send_pending(struct conn *c) {
    if (c->sending || c->out_sent == c->out_len || c->state == CLOSING) return;
    io_uring_prep_send(sqe_for(OP_SEND, c->fd), c->fd, c->out + c->out_sent, c->out_len - c->out_sent, MSG_NOSIGNAL);
    c->sending = 1;
}

static void append_out(struct conn *c, const char *b, size_t n) {
    if (c->out_len + n > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 1024;
        while (cap < c->out_len + n) cap *= 2;
        char *grown = realloc(c->out, cap);
        if (!grown) { fprintf(stderr, "uring_server: out of memory\n"); exit(1); }
        c->out = grown;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, b, n);
    c->out_len += n;
}

/* Answers every complete request head in the input, in order; a rejected or last request
 * ends the parsing (bytes after it are never read, as in the blocking servers). */
static void serve_input(struct conn *c) {
    char response[1024];
    while (c->state == OPEN && !c->final_response) {
        enum http_verdict v = http_parse(&c->parser, c->in + c->start, c->end - c->start);
        if (v == HTTP_NEED_MORE) break;
        append_out(c, response, http_response(&c->parser, v, response, sizeof response));
        if (v == HTTP_REJECT || !c->parser.keep_alive) {
            c->final_response = 1;
            break;
        }
        c->start += c->parser.head_len;
        c->deadline_ms = now_ms() + idle_ms;
    }
    if (c->start > 0) {
        memmove(c->in, c->in + c->start, c->end - c->start);
        c->end -= c->start;
        c->start = 0;
    }
    send_pending(c);
}

static void on_accept(struct io_uring_cqe *cqe) {
    if (!(cqe->flags & IORING_CQE_F_MORE)) arm_accept();   /* the multishot ended: re-arm it */
    int fd = cqe->res;
    if (fd < 0) return;                                       /* ECONNABORTED, EMFILE: keep going */
    struct conn *c = fd < max_fds ? calloc(1, sizeof *c) : NULL;
    if (!c) { close(fd); return; }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->fd = fd;
    c->deadline_ms = now_ms() + idle_ms;
    conns[fd] = c;
    arm_recv(c);
}

static void on_recv(struct conn *c, struct io_uring_cqe *cqe) {
    if (cqe->flags & IORING_CQE_F_BUFFER) {
        unsigned id = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
        if (cqe->res > 0 && c->state == OPEN && !c->final_response) {
            size_t n = (size_t)cqe->res, room = sizeof c->in - c->end;
            /* beyond HTTP_MAX_HEAD unparsed the parser answers 431; the excess is never needed */
            memcpy(c->in + c->end, buf_memory + (size_t)id * BUF_SIZE, n < room ? n : room);
            c->end += n < room ? n : room;
        } else if (cqe->res > 0 && c->state == LINGERING) {
            c->drained += (size_t)cqe->res;
        }
        give_back_buffer(id);
    }
    int more = cqe->flags & IORING_CQE_F_MORE;
    if (!more) c->recv_armed = 0;
    if (cqe->res == 0 || (cqe->res < 0 && cqe->res != -ENOBUFS)) {
        conn_close(c);                                        /* client closed, reset, or cancelled */
        return;
    }
    if (c->state == LINGERING && c->drained >= LINGER_MAX_BYTES) { conn_close(c); return; }
    if (c->state == OPEN) serve_input(c);
    if (!more && c->state != CLOSING) arm_recv(c);            /* ENOBUFS or the kernel ended it */
}

static void on_send(struct conn *c, struct io_uring_cqe *cqe) {
    c->sending = 0;
    if (cqe->res < 0 || c->state == CLOSING) {
        conn_close(c);
        return;
    }
    c->out_sent += (size_t)cqe->res;
    if (c->out_sent < c->out_len) { send_pending(c); return; }
    c->out_sent = c->out_len = 0;
    if (c->final_response && c->state == OPEN) {
        /* half-close and drain what the client still sends, so no reset destroys the response */
        shutdown(c->fd, SHUT_WR);
        c->state = LINGERING;
        c->deadline_ms = now_ms() + (idle_ms < LINGER_MAX_MS ? idle_ms : LINGER_MAX_MS);
    }
}

static void on_tick(void) {
    long long now = now_ms();
    for (int fd = 0; fd < max_fds; fd++) {
        struct conn *c = conns[fd];
        if (c && c->state != CLOSING && now >= c->deadline_ms) conn_close(c);
    }
    arm_tick();
}

static void setup_buffers(void) {
    int rc;
    if (posix_memalign((void **)&bufs, 4096, BUF_COUNT * sizeof(struct io_uring_buf)) != 0
            || posix_memalign((void **)&buf_memory, 4096, (size_t)BUF_COUNT * BUF_SIZE) != 0) {
        fprintf(stderr, "uring_server: out of memory for the receive buffers\n");
        exit(1);
    }
    io_uring_buf_ring_init(bufs);
    struct io_uring_buf_reg reg = { .ring_addr = (unsigned long)bufs, .ring_entries = BUF_COUNT, .bgid = BUF_GROUP };
    if ((rc = io_uring_register_buf_ring(&ring, &reg, 0)) < 0) {
        fprintf(stderr, "uring_server: cannot register a provided-buffer ring: %s (needs Linux 5.19)\n", strerror(-rc));
        exit(1);
    }
    for (unsigned i = 0; i < BUF_COUNT; i++)
        io_uring_buf_ring_add(bufs, buf_memory + (size_t)i * BUF_SIZE, BUF_SIZE, (unsigned short)i,
                              io_uring_buf_ring_mask(BUF_COUNT), (int)i);
    io_uring_buf_ring_advance(bufs, BUF_COUNT);
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1";
    int port = 0, backlog = 4096, entries = 4096, c;
    idle_ms = 30000;
    static const struct option opts[] = {
        {"host", required_argument, 0, 'h'}, {"port", required_argument, 0, 'p'},
        {"idle-timeout-ms", required_argument, 0, 'i'}, {"backlog", required_argument, 0, 'b'},
        {"entries", required_argument, 0, 'e'}, {0, 0, 0, 0}};
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'h': host = optarg; break;
        case 'p': port = atoi(optarg); break;
        case 'i': idle_ms = atoi(optarg); break;
        case 'b': backlog = atoi(optarg); break;
        case 'e': entries = atoi(optarg); break;
        default:
            fprintf(stderr, "usage: %s [--host H] [--port P] [--idle-timeout-ms N] [--backlog N] [--entries N]\n", argv[0]);
            return 2;
        }
    }
    pg_server_init();
    struct rlimit lim;
    getrlimit(RLIMIT_NOFILE, &lim);
    max_fds = lim.rlim_cur == RLIM_INFINITY || lim.rlim_cur > (1 << 20) ? (1 << 20) : (int)lim.rlim_cur;
    conns = calloc((size_t)max_fds, sizeof *conns);
    if (!conns) { perror("calloc"); return 1; }

    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    p.flags = IORING_SETUP_CQSIZE;
    p.cq_entries = (unsigned)entries * 4;    /* completions of every connection between two reaps */
    int rc = io_uring_queue_init_params((unsigned)entries, &ring, &p);
    if (rc < 0) {
        fprintf(stderr, "uring_server: io_uring_setup failed: %s (is kernel.io_uring_disabled set?)\n", strerror(-rc));
        return 1;
    }
    setup_buffers();
    listen_fd = listen_on(host, port, backlog, 0);
    port = bound_port(listen_fd);
    int tick_ms = idle_ms / 4 < 100 ? (idle_ms / 4 > 0 ? idle_ms / 4 : 1) : 100;
    tick.tv_sec = tick_ms / 1000;
    tick.tv_nsec = (long long)(tick_ms % 1000) * 1000000;
    arm_accept();
    arm_tick();
    printf("ready %d\n", port);
    fflush(stdout);

    while (!pg_stop) {
        rc = io_uring_submit_and_wait(&ring, 1);
        if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) {
            fprintf(stderr, "uring_server: io_uring_enter: %s\n", strerror(-rc));
            return 1;
        }
        unsigned head, seen = 0;
        struct io_uring_cqe *cqe;
        io_uring_for_each_cqe(&ring, head, cqe) {
            seen++;
            int fd = (int)(uint32_t)cqe->user_data;
            switch ((enum op)(cqe->user_data >> 32)) {
            case OP_ACCEPT: on_accept(cqe); break;
            case OP_RECV: if (conns[fd]) on_recv(conns[fd], cqe); break;
            case OP_SEND: if (conns[fd]) on_send(conns[fd], cqe); break;
            case OP_TICK: on_tick(); break;
            case OP_CANCEL: break;
            }
        }
        io_uring_cq_advance(&ring, seen);
    }
    /* SIGTERM: the ring goes first (it cancels what is in flight), then every connection. */
    io_uring_queue_exit(&ring);
    for (int fd = 0; fd < max_fds; fd++)
        if (conns[fd]) { close(fd); free(conns[fd]->out); free(conns[fd]); }
    close(listen_fd);
    return 0;
}
