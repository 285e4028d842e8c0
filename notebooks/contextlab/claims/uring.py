"""uring suite: completion (io_uring) against readiness, NOPs per io_uring_enter, small reads, file
reads on virtual threads (epoll refuses regular files; the JDK adds carriers)."""
from .core import FAILS, HOLDS, METRICS, NOT, PARTLY, WIRING, Verdict, claim, numeric, param

WIRING.update({
    "uring_nop": "io.contextlab.uring.NopBatching.nopPerEnter",
    "uring_sqpoll": "io.contextlab.uring.NopBatching.nopSqpoll",
    "uring_getppid": "io.contextlab.uring.NopBatching.getppid",
    "uring_reads": "io.contextlab.uring.SmallReads",
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


def metric_values(ev, what, key):
    """{benchmark method -> [(batch n or None, per-iteration value)]} of a secondary metric."""
    m = ev.metric(what, key)
    out = {}
    if m.empty:
        return out
    nc = param(m, "n")
    for _, r in m.iterrows():
        v = r["value"]
        if v == v:
            n = float(r[nc]) if nc and r[nc] == r[nc] else None
            out.setdefault(r["method"], []).append((n, float(v)))
    return out


@claim("readiness-vs-completion")
def readiness_vs_completion(ev):
    rows = ev.rows("uring_nop")
    nc = param(rows, "n") if not rows.empty else None
    if rows.empty or nc is None:
        return ev.missing("readiness-vs-completion", "uring", "uring_nop")
    rows = rows.assign(batch=numeric(rows[nc])).dropna(subset=["batch"])
    top = rows[rows["batch"] == rows["batch"].max()].sort_values("score").iloc[0]
    n = float(top["batch"])
    calls = [v for b, v in metric_values(ev, "uring_nop", "syscalls_per_op").get("nopPerEnter", []) if b == n]
    g = ev.one("uring_getppid")
    per_op = calls[0] if calls else None
    extras = []
    sq = metric_values(ev, "uring_sqpoll", "syscalls_per_op").get("nopSqpoll", [])
    if sq:
        extras.append(f"SQPOLL: {max(v for _, v in sq):.3g} syscalls/op")
    reads = ev.rows("uring_reads")
    sc = param(reads, "source") if not reads.empty else None
    if sc:
        f = reads[reads[sc].astype(str) == "file"].set_index("method")["score"]
        if {"read", "uringBatched"} <= set(f.index):
            extras.append(f"4 KiB page-cache reads, batched io_uring / read(): {f['uringBatched'] / f['read']:.2f}")
    where = f"{top['name']}[n={n:g}]: {top['score']:.1f} ns/op"
    if g is not None:
        where += f" vs {g[2]} {g[0]:.1f} ns"
    detail = "; ".join([where] + extras)
    if per_op is None:
        return Verdict("readiness-vs-completion", NOT, None, None, "syscalls/op",
                       detail + f"; no syscall count recorded ({METRICS['syscalls_per_op']})")
    cheaper = g is not None and top["score"] < g[0]
    verdict = FAILS if per_op >= 1 else HOLDS if per_op <= 1.5 / n and cheaper else PARTLY
    return Verdict("readiness-vs-completion", verdict, per_op, float("nan"), "syscalls/op", detail)


@claim("epoll-no-regular-files")
def epoll_no_regular_files(ev):
    errnos = [v for vs in metric_values(ev, "vthread_file_reads", "epoll_file_errno").values() for _, v in vs]
    if not errnos:
        return ev.missing("epoll-no-regular-files", "uring", "vthread_file_reads", "epoll_file_errno")
    errno = errnos[0]
    carriers = {m: max(v for _, v in vs) for m, vs in metric_values(ev, "vthread_file_reads", "carriers").items()}
    parallelism = [v for vs in metric_values(ev, "vthread_file_reads", "parallelism").values() for _, v in vs]
    p = max(parallelism) if parallelism else None
    grew = [m for m, c in carriers.items() if m.startswith("file") and p is not None and c > p]
    detail = (f"epoll_ctl(ADD) of a regular file: {'EPERM' if errno == EPERM else 'accepted' if errno == 0 else f'errno {errno:g}'}; "
              + ", ".join(f"{m} {c:g}" for m, c in sorted(carriers.items()))
              + (f" carriers (parallelism {p:g})" if p is not None else " carriers"))
    if errno == 0:
        verdict = FAILS
    elif errno == EPERM:
        verdict = HOLDS if grew else PARTLY
    else:
        verdict = PARTLY
    return Verdict("epoll-no-regular-files", verdict, errno, float("nan"), "errno (1 = EPERM)", detail)
