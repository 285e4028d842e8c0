/*
 * How many syscalls does a native loop make? Counted with the kernel's own accounting: the
 * raw_syscalls:sys_enter and syscalls:sys_enter_rt_sigprocmask tracepoints, opened with
 * perf_event_open in counting mode for the calling thread only (pid 0, any CPU). No eBPF, no
 * ptrace, no sampling: the counts are exact. Needs CAP_PERFMON (or root) and tracefs.
 *
 * Enabling a syscall tracepoint puts every thread of the system on the slow syscall path, so
 * counting is never done while a loop is being timed: the benchmark calls this once per trial,
 * outside the measurement, and reports the result as a secondary metric.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *const TRACEFS_ROOTS[] = {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"};

static long tracepoint_id(const char *event) {
    for (unsigned r = 0; r < sizeof TRACEFS_ROOTS / sizeof TRACEFS_ROOTS[0]; r++) {
        char path[256];
        snprintf(path, sizeof path, "%s/events/%s/id", TRACEFS_ROOTS[r], event);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        char buf[32] = {0};
        ssize_t got = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (got > 0) return strtol(buf, NULL, 10);
    }
    return -1;
}

/* tracefs is mounted on demand on many systems (perf does it the same way when it needs it). */
static void mount_tracefs_if_absent(void) {
    struct stat st;
    if (stat("/sys/kernel/tracing/events", &st) == 0) return;
    mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL);
}

static int open_counter(long id, int group_fd) {
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.size = sizeof attr;
    attr.type = PERF_TYPE_TRACEPOINT;
    attr.config = (uint64_t) id;
    attr.disabled = group_fd < 0;
    attr.read_format = PERF_FORMAT_GROUP;
    return (int) syscall(SYS_perf_event_open, &attr, 0, -1, group_fd, PERF_FLAG_FD_CLOEXEC);
}

typedef int64_t (*counted_loop)(void *context, int64_t n);

/* One counted run: out[0] = all syscalls, out[1] = rt_sigprocmask, enable/disable included. */
static int counted_run(int leader, counted_loop loop, void *context, int64_t n, int64_t out[2]) {
    if (ioctl(leader, PERF_EVENT_IOC_RESET, PERF_IOC_FLAG_GROUP) != 0) return -errno;
    if (ioctl(leader, PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP) != 0) return -errno;
    loop(context, n);
    if (ioctl(leader, PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP) != 0) return -errno;
    uint64_t values[3] = {0};  /* {nr, all, rt_sigprocmask} */
    if (read(leader, values, sizeof values) != (ssize_t) sizeof values || values[0] != 2) return -EIO;
    out[0] = (int64_t) values[1];
    out[1] = (int64_t) values[2];
    return 0;
}

/*
 * Runs loop(context, n) with both counters on and subtracts a run of loop(context, 0), which
 * holds the ioctls around it. out[0] = syscalls of any kind, out[1] = rt_sigprocmask calls.
 * Returns 0, -ENOENT when the tracepoints cannot be found (tracefs absent), or -errno of
 * perf_event_open (EACCES/EPERM: needs CAP_PERFMON).
 */
int cl_count_syscalls(counted_loop loop, void *context, int64_t n, int64_t out[2]) {
    mount_tracefs_if_absent();
    long all_id = tracepoint_id("raw_syscalls/sys_enter");
    long mask_id = tracepoint_id("syscalls/sys_enter_rt_sigprocmask");
    if (all_id < 0 || mask_id < 0) return -ENOENT;
    int leader = open_counter(all_id, -1);
    if (leader < 0) return -errno;
    int member = open_counter(mask_id, leader);
    if (member < 0) { int e = errno; close(leader); return -e; }
    int64_t empty[2], full[2];
    int rc = counted_run(leader, loop, context, 0, empty);
    if (rc == 0) rc = counted_run(leader, loop, context, n, full);
    close(member);
    close(leader);
    if (rc != 0) return rc;
    out[0] = full[0] - empty[0];
    out[1] = full[1] - empty[1];
    return 0;
}
