"""st suite: the State Threads runtime against virtual threads (io.contextlab.stbench): the system
calls its scheduler makes (counted by i15java's benchmarks)."""
from .core import METRICS, NOT, WIRING, claim, fmt_ci, judge, rng_for, verdict_of

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
    cid = "st-epoll-only-syscall"
    rng = rng_for(cid)
    wait = ev.metric_q("st_io_wait", "st_other_syscalls_per_wait", rng)
    if wait is None:
        return ev.missing(cid, "st", "st_io_wait", "st_other_syscalls_per_wait")
    switch = ev.metric_q("st_yield", "st_syscalls_per_switch", rng)
    parts = [("no system call but epoll per I/O wait (below 0.01)", judge(wait, "below", 0.01)),
             ("no system call per switch (below 0.01)", judge(switch, "below", 0.01) if switch is not None else NOT)]
    detail = f"non-epoll syscalls per I/O wait {fmt_ci(wait)}" + (
        f"; syscalls per yield {fmt_ci(switch)}" if switch is not None else "; syscalls per yield not counted")
    return verdict_of(cid, wait, "non-epoll syscalls per wait", detail, parts)
