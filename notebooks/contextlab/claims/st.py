"""st suite: the State Threads runtime against virtual threads (io.contextlab.stbench): the system
calls its scheduler makes (counted by i15java's benchmarks)."""
from .core import METRICS, NOT, WIRING, claim, fmt_ci, judge

WIRING.update({
    "st_producer_consumer": "io.contextlab.stbench.ProducerConsumer",
    "st_yield": "io.contextlab.stbench.YieldSwitch.stRuntime",
    # i15java (issue 15): one I/O wait in the st runtime, its system calls counted
    "st_io_wait": "io.contextlab.stbench.IoWait.stRuntime",
})
METRICS.update({"st_syscalls_per_switch": "syscallsPerSwitch", "st_other_syscalls_per_wait": "nonEpollSyscallsPerWait"})
NEW_BENCHMARKS = {WIRING["st_io_wait"]}
NEW_METRICS = {"nonEpollSyscallsPerWait"}


@claim("st-epoll-only-syscall")
def epoll_only(ev):
    wait = ev.need_metric("st_io_wait", "st_other_syscalls_per_wait", "st")
    switch = ev.metric_q("st_yield", "st_syscalls_per_switch")
    parts = [("no system call but epoll per I/O wait (below 0.01)", judge(wait, "below", 0.01)),
             ("no system call per switch (below 0.01)", judge(switch, "below", 0.01) if switch is not None else NOT)]
    detail = f"non-epoll syscalls per I/O wait {fmt_ci(wait)}" + (
        f"; syscalls per yield {fmt_ci(switch)}" if switch is not None else "; syscalls per yield not counted")
    return ev.verdict(wait, "non-epoll syscalls per wait", detail, parts)
