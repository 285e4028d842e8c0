"""st suite: the State Threads runtime against virtual threads (io.contextlab.stbench): the system
calls its scheduler makes (counted by i15java's benchmarks)."""
from .core import METRICS, NOT, WIRING, claim, fmt_ci, judge

WIRING.update({
    "st_producer_consumer": "io.contextlab.stbench.ProducerConsumer",
    "st_yield": "io.contextlab.stbench.YieldSwitch.stRuntime",
    # a one-byte ping over loopback TCP in the st runtime, its system calls counted per I/O wait
    "st_io_wait": "io.contextlab.stbench.SocketPing.stRuntime",
})
METRICS.update({"st_syscalls_per_switch": "syscallsPerSwitch", "st_syscalls_per_wait": "syscallsPerIoWait"})
NEW_BENCHMARKS = {WIRING["st_io_wait"]}
NEW_METRICS = {"syscallsPerIoWait"}
# What one I/O wait costs in system calls when the scheduler's only call is epoll's: the coroutine's
# own read that meets EAGAIN, its read that succeeds, the peer's write (the program's I/O), and the
# scheduler's epoll_ctl re-arming the one-shot interest and its epoll wait.
PROGRAM_CALLS_PER_WAIT, EPOLL_CALLS_PER_WAIT = 3, 2


@claim("st-epoll-only-syscall")
def epoll_only(ev):
    wait = ev.need_metric("st_io_wait", "st_syscalls_per_wait", "st")
    switch = ev.metric_q("st_yield", "st_syscalls_per_switch")
    sched = wait - PROGRAM_CALLS_PER_WAIT - EPOLL_CALLS_PER_WAIT   # the scheduler's calls beyond epoll's
    parts = [("no scheduler system call but epoll's per I/O wait (beyond the program's 3 and epoll's 2: below 0.01)",
              judge(sched, "below", 0.01)),
             ("no system call per switch (below 0.01)", judge(switch, "below", 0.01) if switch is not None else NOT)]
    detail = f"syscalls per I/O wait {fmt_ci(wait)} (3 the program's, 2 epoll's)" + (
        f"; syscalls per yield {fmt_ci(switch)}" if switch is not None else "; syscalls per yield not counted")
    return ev.verdict(sched, "non-epoll scheduler syscalls per wait", detail, parts)
