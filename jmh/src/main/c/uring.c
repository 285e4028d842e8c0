/*
 * io_uring measured from C, through liburing (Debian liburing-dev 2.3): completion-based I/O,
 * where the program hands the kernel the whole operation and later reaps "done, result r",
 * against readiness (epoll.c: the kernel says "ready", the program then makes the call itself).
 *
 * Every loop runs many operations per Java->native crossing and returns a value built from
 * every completion (the count or the bytes), so nothing can be dropped; errors come back as
 * -errno. Every completion is checked: a NOP must report 0, a read the bytes asked for.
 *
 * Two ways to submit:
 *   - io_uring_submit_and_wait(batch): one io_uring_enter both submits the batch and waits for
 *     it. NOPs and reads that can be served at once (page cache, /dev/zero, a pipe holding data)
 *     complete inside that call, so the wait returns without sleeping.
 *   - SQPOLL: a kernel thread (iou-sqp-<pid>) polls the submission queue, so submitting is a
 *     store to shared memory and reaping is a load: no system call at all while the thread is
 *     awake. The submitting side spins on the completion queue instead of sleeping in
 *     io_uring_enter(GETEVENTS), because sleeping there would be a system call.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct cl_uring {
    struct io_uring ring;
    unsigned entries;
    int sqpoll;
};

/* A ring of `entries` submission slots; sqpoll: with a polling kernel thread (bound to
 * sq_cpu when sq_cpu >= 0, idle after 100 ms). Returns the ring, or -errno (EPERM: SQPOLL
 * refused, e.g. without privilege on a kernel older than 5.11; ENOSYS/EPERM also when
 * io_uring is disabled by kernel.io_uring_disabled). */
intptr_t cl_uring_open(unsigned entries, int sqpoll, int sq_cpu) {
    struct cl_uring *u = calloc(1, sizeof *u);
    if (!u) return -ENOMEM;
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    if (sqpoll) {
        p.flags |= IORING_SETUP_SQPOLL;
        p.sq_thread_idle = 100;
        if (sq_cpu >= 0) {
            p.flags |= IORING_SETUP_SQ_AFF;
            p.sq_thread_cpu = (unsigned) sq_cpu;
        }
    }
    int rc = io_uring_queue_init_params(entries, &u->ring, &p);
    if (rc < 0) { free(u); return rc; }
    u->entries = entries;
    u->sqpoll = sqpoll;
    return (intptr_t) u;
}

void cl_uring_close(struct cl_uring *u) {
    if (!u) return;
    io_uring_queue_exit(&u->ring);
    free(u);
}

/* The ring's IORING_FEAT_* bits, as the kernel reported them at set-up. */
/* A free submission slot. Under SQPOLL the kernel thread publishes the new SQ head only after
 * it has run the whole batch, so completions can be visible before their slots are: wait for
 * the head (spinning; io_uring_sqring_wait would be a system call). */
static inline struct io_uring_sqe *next_sqe(struct cl_uring *u) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);
    if (sqe || !u->sqpoll) return sqe;
    for (long spins = 0; spins < (1L << 30); spins++) {
        __builtin_ia32_pause();
        if ((sqe = io_uring_get_sqe(&u->ring))) return sqe;
    }
    return NULL;
}

/* Hands the prepared batch to the kernel and waits until `batch` completions are visible. */
static inline int submit_and_reap_wait(struct cl_uring *u, unsigned batch) {
    if (!u->sqpoll) {
        int rc = io_uring_submit_and_wait(&u->ring, batch);
        return rc < 0 ? rc : 0;
    }
    /* Enters the kernel only when the SQ thread has gone idle (IORING_SQ_NEED_WAKEUP). */
    int rc = io_uring_submit(&u->ring);
    if (rc < 0) return rc;
    while (io_uring_cq_ready(&u->ring) < batch) __builtin_ia32_pause();
    return 0;
}

/* ---- IORING_OP_NOP ------------------------------------------------------------------- */

/* One round: `batch` NOPs, user_data = base + i, one submission, all completions reaped.
 * tally (tests only, may be NULL) counts the completions seen per user_data. Returns the
 * completions reaped, or -errno (-EPROTO: a NOP completed with a non-zero result). */
static inline int64_t nop_round(struct cl_uring *u, unsigned batch, uint64_t base, uint32_t *tally) {
    for (unsigned i = 0; i < batch; i++) {
        struct io_uring_sqe *sqe = next_sqe(u);
        if (!sqe) return -EBUSY;
        io_uring_prep_nop(sqe);
        io_uring_sqe_set_data64(sqe, base + i);
    }
    int rc = submit_and_reap_wait(u, batch);
    if (rc < 0) return rc;
    unsigned head, seen = 0;
    int bad = 0;
    struct io_uring_cqe *cqe;
    io_uring_for_each_cqe(&u->ring, head, cqe) {
        bad |= cqe->res != 0;
        if (tally) tally[cqe->user_data]++;
        seen++;
    }
    io_uring_cq_advance(&u->ring, seen);
    return bad ? -EPROTO : (int64_t) seen;
}

/* ops NOPs (a multiple of batch), submitted `batch` per io_uring_enter (or per SQ-thread
 * pass). Returns the completions reaped. */
int64_t cl_uring_nop_loop(struct cl_uring *u, int64_t ops, int batch, uint32_t *tally) {
    if (batch < 1 || (unsigned) batch > u->entries || ops % batch) return -EINVAL;
    int64_t done = 0;
    for (int64_t k = 0; k < ops; k += batch) {
        int64_t got = nop_round(u, (unsigned) batch, (uint64_t) k, tally);
        if (got < 0) return got;
        done += got;
    }
    return done;
}

/* The shape SyscallCounter counts: int64_t loop(void *context, int64_t n). */
struct cl_nop_counting { struct cl_uring *u; int batch; };

int64_t cl_uring_nop_counted(void *context, int64_t ops) {
    struct cl_nop_counting *c = context;
    return cl_uring_nop_loop(c->u, ops - ops % c->batch, c->batch, NULL);
}

/* ---- small reads: /dev/zero, a pipe, a page-cached file ------------------------------- */

enum { SRC_DEV_ZERO = 0, SRC_PIPE = 1, SRC_FILE = 2 };

struct cl_source {
    int kind;
    int fd;
    int write_fd;     /* pipe: the write end, used to refill */
    size_t size;      /* bytes per read */
    int64_t span;     /* file: reads walk offsets [0, span) in steps of size */
    int64_t offset;   /* file: next offset */
    int64_t in_pipe;  /* pipe: bytes written and not yet read */
    int64_t capacity; /* pipe: its size (F_GETPIPE_SZ) */
    unsigned slots;   /* buffers: one per read in flight */
    char *buffers;
    char *fill;       /* pipe: `capacity` bytes of the pattern used to refill */
};

static void source_free(struct cl_source *s) {
    if (s->fd >= 0) close(s->fd);
    if (s->write_fd >= 0) close(s->write_fd);
    free(s->buffers);
    free(s->fill);
    free(s);
}

/* The pipe is refilled to the brim whenever fewer than `want` bytes are left, with one large
 * write: a cost every read loop over the pipe pays alike, amortised over ~capacity reads. */
static inline int pipe_top_up(struct cl_source *s, int64_t want) {
    if (s->in_pipe >= want) return 0;
    int64_t room = s->capacity - s->in_pipe;
    while (room > 0) {
        ssize_t w = write(s->write_fd, s->fill, (size_t) room);
        if (w < 0) return -errno;
        room -= w;
        s->in_pipe += w;
    }
    return 0;
}

/* kind: 0 /dev/zero, 1 a pipe (grown to 1 MiB where allowed), 2 the file at `path` (read
 * offsets walk [0, span)). size: bytes per read; slots: reads in flight at most (buffers).
 * Returns the source, or -errno. */
intptr_t cl_source_open(int kind, const char *path, int64_t span, int size, int slots) {
    struct cl_source *s = calloc(1, sizeof *s);
    if (!s) return -ENOMEM;
    s->fd = s->write_fd = -1;
    s->kind = kind;
    s->size = (size_t) size;
    s->slots = (unsigned) slots;
    if (posix_memalign((void **) &s->buffers, 4096, s->size * s->slots) != 0) { source_free(s); return -ENOMEM; }
    memset(s->buffers, 0xff, s->size * s->slots);
    int err;
    switch (kind) {
    case SRC_DEV_ZERO:
        s->fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
        if (s->fd < 0) { err = -errno; source_free(s); return err; }
        break;
    case SRC_PIPE: {
        int p[2];
        if (pipe2(p, O_CLOEXEC) != 0) { err = -errno; source_free(s); return err; }
        s->fd = p[0];
        s->write_fd = p[1];
        fcntl(s->write_fd, F_SETPIPE_SZ, 1 << 20);  /* best effort: pipe-max-size may refuse */
        s->capacity = fcntl(s->write_fd, F_GETPIPE_SZ);
        if (s->capacity <= 0) { err = -errno; source_free(s); return err; }
        s->fill = malloc((size_t) s->capacity);
        if (!s->fill) { source_free(s); return -ENOMEM; }
        for (int64_t i = 0; i < s->capacity; i++) s->fill[i] = (char) (i * 7 + 1);
        if ((err = pipe_top_up(s, s->capacity)) < 0) { source_free(s); return err; }
        break;
    }
    case SRC_FILE:
        s->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (s->fd < 0) { err = -errno; source_free(s); return err; }
        s->span = span - span % size;
        if (s->span < size) { source_free(s); return -EINVAL; }
        break;
    default:
        source_free(s);
        return -EINVAL;
    }
    return (intptr_t) s;
}

void cl_source_close(struct cl_source *s) {
    if (s) source_free(s);
}

int64_t cl_source_pipe_capacity(struct cl_source *s) { return s->capacity; }

/* The file offset of the next read (walking the span), or -1 for the stream sources. */
static inline int64_t next_offset(struct cl_source *s) {
    if (s->kind != SRC_FILE) return -1;
    int64_t off = s->offset;
    s->offset += (int64_t) s->size;
    if (s->offset == s->span) s->offset = 0;
    return off;
}

/* ops plain reads (pread for the file), one system call each. Returns the bytes read; the
 * sum of each read's first byte goes to *first_bytes when it is not NULL (tests). */
int64_t cl_source_read_loop(struct cl_source *s, int64_t ops, int64_t *first_bytes) {
    int64_t bytes = 0, firsts = 0;
    for (int64_t k = 0; k < ops; k++) {
        if (s->kind == SRC_PIPE) {
            int rc = pipe_top_up(s, (int64_t) s->size);
            if (rc < 0) return rc;
        }
        int64_t off = next_offset(s);
        ssize_t r = off < 0 ? read(s->fd, s->buffers, s->size) : pread(s->fd, s->buffers, s->size, off);
        if (r < 0) return -errno;
        if ((size_t) r != s->size) return -EIO;
        if (s->kind == SRC_PIPE) s->in_pipe -= r;
        firsts += (unsigned char) s->buffers[0];
        bytes += r;
    }
    if (first_bytes) *first_bytes = firsts;
    return bytes;
}

/* ops reads through the ring, `batch` per submission (1 = one at a time), each into its own
 * buffer. A stream source (pipe, /dev/zero) is read at offset -1, "the current position", like
 * read(). The pipe holds every byte of a batch before it is submitted, so each read completes
 * inline, in submission order, without links (IOSQE_IO_LINK would add its own cost); the tests
 * check the bytes. Returns the bytes read, or -errno (-EIO: a short read). */
int64_t cl_uring_read_loop(struct cl_uring *u, struct cl_source *s, int64_t ops, int batch, int64_t *first_bytes) {
    if (batch < 1 || (unsigned) batch > u->entries || (unsigned) batch > s->slots || ops % batch) return -EINVAL;
    int64_t bytes = 0, firsts = 0;
    for (int64_t k = 0; k < ops; k += batch) {
        if (s->kind == SRC_PIPE) {
            int rc = pipe_top_up(s, (int64_t) s->size * batch);
            if (rc < 0) return rc;
        }
        for (int i = 0; i < batch; i++) {
            struct io_uring_sqe *sqe = next_sqe(u);
            if (!sqe) return -EBUSY;
            int64_t off = next_offset(s);
            io_uring_prep_read(sqe, s->fd, s->buffers + (size_t) i * s->size, (unsigned) s->size, (uint64_t) off);
            io_uring_sqe_set_data64(sqe, (uint64_t) i);
        }
        int rc = submit_and_reap_wait(u, (unsigned) batch);
        if (rc < 0) return rc;
        unsigned head, seen = 0;
        int err = 0;
        struct io_uring_cqe *cqe;
        io_uring_for_each_cqe(&u->ring, head, cqe) {
            if (cqe->res < 0) err = cqe->res;
            else if ((size_t) cqe->res != s->size) err = -EIO;
            else {
                bytes += cqe->res;
                firsts += (unsigned char) s->buffers[cqe->user_data * s->size];
            }
            seen++;
        }
        io_uring_cq_advance(&u->ring, seen);
        if (err) return err;
        if (s->kind == SRC_PIPE) s->in_pipe -= (int64_t) s->size * batch;
    }
    if (first_bytes) *first_bytes = firsts;
    return bytes;
}
