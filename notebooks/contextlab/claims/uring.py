"""uring suite: completion (io_uring) against readiness, judged on completed reads (their system
calls and their cost); NOPs per io_uring_enter shown beside; file reads on virtual threads (epoll
refuses regular files; the JDK adds carriers)."""
from .core import METRICS, NOT, WIRING, Q, claim, fmt_ci, judge, numeric

WIRING.update({
    "uring_nop": "io.contextlab.uring.NopBatching.nopPerEnter",
    "uring_sqpoll": "io.contextlab.uring.NopBatching.nopSqpoll",
    "uring_getppid": "io.contextlab.uring.NopBatching.getppid",
    "uring_reads": "io.contextlab.uring.SmallReads",
    "uring_read": "io.contextlab.uring.SmallReads.read",
    "uring_batched": "io.contextlab.uring.SmallReads.uringBatched",
    "vthread_file_reads": "io.contextlab.uring.VirtualThreadFileReads",
    # plotted beside the claims in 07-uring
    "uring_nop_all": "io.contextlab.uring.NopBatching",
})
METRICS.update({
    "syscalls_per_op": "syscallsPerOp",
    "carriers": "carrierThreads",
    "parallelism": "carrierParallelism",
    "epoll_file_errno": "epollAddRegularFileErrno",
})

EPERM = 1


@claim("readiness-vs-completion")
def readiness_vs_completion(ev):
    qr, qb = ev.need_q("uring_read", "uring", source="file"), ev.need_q("uring_batched", "uring", source="file")
    cost = qb / qr
    calls = ev.metric_q("uring_batched", "syscalls_per_op", source="file")
    parts = [("completed reads share kernel entries (syscalls per read below 0.5)",
              judge(calls, "below", 0.5) if calls is not None else NOT),
             ("and cost less than read() (batched io_uring / read() below 1)", judge(cost, "below", 1.0))]
    detail = (f"4 KiB page-cache reads: batched io_uring {fmt_ci(qb, 'ns')} vs read() {fmt_ci(qr, 'ns')}, "
              f"ratio {fmt_ci(cost)}; syscalls per read " + (fmt_ci(calls) if calls is not None else "not counted (syscallsPerOp of SmallReads.uringBatched)"))
    nop = ev.rows("uring_nop")
    if not nop.empty and "p_n" in nop:
        top = nop.assign(n=numeric(nop["p_n"])).sort_values("n").iloc[-1]
        detail += f"; NOPs: {top['score']:.0f} ns/op at {top['n']:g} per io_uring_enter"
    return ev.verdict(cost, "x (io_uring batched / read())", detail, parts)


@claim("epoll-no-regular-files")
def epoll_no_regular_files(ev):
    rows = ev.rows("vthread_file_reads")
    file_methods = [m for m in rows["method"].unique() if m.startswith("file")] if not rows.empty else []
    errno = ev.need_metric("vthread_file_reads", "epoll_file_errno", "uring")
    extra, shown = None, []
    sec = ev.metric("vthread_file_reads", "carriers")
    par = ev.metric("vthread_file_reads", "parallelism")
    for _, r in sec[sec["method"].isin(file_methods)].iterrows():
        pr = par[par["method"] == r["method"]]
        fc = ev.forks(r, METRICS["carriers"])
        fp = ev.forks(pr.iloc[0], METRICS["parallelism"]) if not pr.empty else []
        if fc and fp:
            q = Q.of(fc, ev.rng) - Q.of(fp, ev.rng)
            shown.append(f"{r['method']} {fmt_ci(q)}")
            if extra is None or q.point > extra.point:
                extra = q
    parts = [("epoll_ctl(ADD) of a regular file is EPERM", judge(errno, "between", (EPERM - 0.5, EPERM + 0.5))),
             ("the virtual-thread scheduler adds carriers during file reads (extra carriers above 0)",
              judge(extra, "above", 0.0) if extra is not None else NOT)]
    detail = f"errno {fmt_ci(errno)} (1 = EPERM); carriers beyond parallelism: " + (", ".join(shown) or "not recorded")
    return ev.verdict(extra if extra is not None else errno, "extra carrier threads", detail, parts)
