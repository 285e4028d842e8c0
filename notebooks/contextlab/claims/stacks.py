"""stacks suite: what a thread's stack costs in memory, what a virtual thread costs, spawning."""
import os
import re

import numpy as np

from .core import (METRICS, NOT, WIRING, Missing, Q, Verdict, claim, fit_draws, fmt_ci, judge, numeric,
                   per_class)

WIRING.update({
    "pthread_stack": "io.contextlab.stacks.PthreadStacks.startTouchAndPark",
    "vthread_footprint": "io.contextlab.stacks.VirtualThreadFootprint.startDescendAndPark",
    "spawn_fork": "io.contextlab.stacks.SpawnCosts.forkWait",
    "spawn_pthread": "io.contextlab.stacks.SpawnCosts.pthreadCreateJoin",
    # plotted beside the claims in 03-stacks
    "thread_stacks": ("io.contextlab.stacks.PthreadStacks", "io.contextlab.stacks.PlatformThreadStacks"),
    "spawn_all": "io.contextlab.stacks.SpawnCosts",
    "minor_faults": "io.contextlab.stacks.MinorFaults",
})
METRICS.update({
    "rss_per_thread": "rssBytesPerThread",
    "rss_after_exit": "rssBytesRetainedPerThread",
    "vmsize_per_thread": "vmSizeBytesPerThread",
    "heap_per_vthread": "heapBytesPerVirtualThread",
    "rss_per_vthread": "rssBytesPerVirtualThread",
})
# The JMH parameter holding the bytes of stack each thread touches, per class (they differ).
TOUCHED = {"PthreadStacks": "touchBytes", "PlatformThreadStacks": "stackTouchBytes"}

EIGHT_MB = 8 * 1024 * 1024
GIB = 1024 ** 3
SMALL_FORK_LEGACY = "spawn-small-process.txt"   # the 2026-11-22 run's small-process fork figure


def touched(df):
    """The bytes touched per thread of each row, from its class's parameter (TOUCHED)."""
    return per_class(df, TOUCHED)


def stack_points(ev, key, least=1):
    """[(touched bytes, Q)] of PthreadStacks' metric `key` at the largest thread count, by touched
    bytes; Missing (not measured) with fewer than `least` points."""
    m = ev.metric("pthread_stack", key)
    pts = []
    if not m.empty:
        m = m.assign(x=touched(m)).dropna(subset=["x"])
        if "p_threads" in m:
            m = m[numeric(m["p_threads"]) == numeric(m["p_threads"]).max()]
        for _, r in m.sort_values("x").iterrows():
            forks = ev.forks(r, METRICS[key])
            if forks:
                pts.append((float(r["x"]), Q.of(forks, ev.rng, r["name"])))
    return ev.need(pts if len(pts) >= least else None, "stacks", "pthread_stack", key)


@claim("stack-demand-paged")
def demand_paged(ev):
    pts = stack_points(ev, "rss_per_thread", 2)
    slope = fit_draws([x for x, _ in pts], [q for _, q in pts], transform_x=lambda x: x)
    small = pts[0][1]
    parts = [("resident per thread at the least touch below 2 MiB (a quarter of the 8 MiB)",
              judge(small, "below", EIGHT_MB / 4)),
             ("resident bytes grow by at least half a byte per byte touched", judge(slope, "above", 0.5))]
    return ev.verdict(slope, "resident B per touched B",
                      f"RSS per thread {fmt_ci(small * (1 / 1024), 'KiB')} touching {pts[0][0]:.0f} B; slope over "
                      f"{len(pts)} depths up to {pts[-1][0]:.0f} B: {fmt_ci(slope)}", parts)


@claim("stack-not-returned")
def not_returned(ev):
    pts = stack_points(ev, "rss_per_thread", 2)
    (x0, q0), (top, qt) = pts[0], pts[-1]
    base = q0 if x0 == 0 else Q.exact(0.0)
    held = (qt - base) / top
    parts = [("touched pages stay resident while the thread lives (at least 80%)", judge(held, "above", 0.8))]
    try:
        apts = stack_points(ev, "rss_after_exit")
    except Missing:
        apts = []
    detail = f"{fmt_ci(held)} of {top / 1024:.0f} KiB touched resident while parked (frames returned)"
    if apts:
        freed = apts[-1][1] / top
        parts.append(("given back when the thread ends (under 50% left)", judge(freed, "below", 0.5)))
        detail += f"; after exit {fmt_ci(freed)} left"
    return ev.verdict(held, "resident/touched", detail, parts)


@claim("vthread-many-coroutines")
def many_coroutines(ev):
    m = ev.metric("vthread_footprint", "heap_per_vthread")
    ev.need(None if m.empty else m, "stacks", "vthread_footprint", "heap_per_vthread")
    depth = str(int(numeric(m["p_depth"]).min())) if "p_depth" in m else None
    kw = {"depth": depth} if depth else {}
    heap = ev.need_metric("vthread_footprint", "heap_per_vthread", "stacks", **kw)
    rss = ev.metric_q("vthread_footprint", "rss_per_vthread", **kw)
    limit = 10 * 1024   # 100,000 in 1 GiB
    parts = [("heap per virtual thread below 10 KiB", judge(heap, "below", limit)),
             ("RSS per virtual thread below 10 KiB", judge(rss, "below", limit) if rss is not None else NOT)]
    detail = f"depth {depth}: heap {fmt_ci(heap, 'B')}" + (f", RSS {fmt_ci(rss, 'B')}" if rss is not None else ", RSS not measured")
    return ev.verdict(heap, "B/virtual thread (heap)", detail, parts)


def small_fork(ev):
    """(Q in ns, source) of fork+waitpid from a small C process: the stacks cross-check's reference
    (forkWait, parentExtraMiB=0), or the 2026-11-22 run's spawn-small-process.txt; None if neither."""
    for c in ev.run.crosschecks():
        if c.get("benchmark") == WIRING["spawn_fork"] and c.get("reference") and "small" in c.get("check", ""):
            ref = c["reference"]
            scale = 1000.0 if str(c.get("unit", "")).startswith("us") else 1.0
            samples = [float(s) * scale for s in ref.get("samples") or [] if s is not None]
            q = Q.of([np.array(samples)], ev.rng) if samples else Q.exact(float(ref["value"]) * scale)
            return q, f"{c['check']} ({ref.get('method', '')})"
    path = ev.run.file(SMALL_FORK_LEGACY)
    if os.path.exists(path):
        with open(path) as f:
            text = f.read()
        m = re.search(r"([0-9.]+)\s*us/op", text)
        if m:
            return Q.exact(float(m.group(1)) * 1000.0), text.strip().splitlines()[0] + " (no rounds recorded: the interval is the thread's only)"
    return None


@claim("process-spawn-costly")
def spawn(ev):
    qt = ev.need_q("spawn_pthread", "stacks")
    fork = small_fork(ev)
    if fork is None:
        return Verdict(ev.claim, NOT, detail="no fork+waitpid from a small process (stacks cross-check forkWait) in this run")
    qf, source = fork
    r = qf / qt
    jvm = ev.one_row("spawn_fork", parentExtraMiB="0")
    beside = f"; fork from the JVM (SpawnCosts.forkWait) {jvm['score'] / 1000:.0f} us = {jvm['score'] / qt.point:.0f}x" \
        if jvm is not None else ""
    return ev.verdict(r, "x (small-process fork / pthread)",
                      f"{source}: {fmt_ci(qf * 0.001, 'us')} vs pthread_create+join {fmt_ci(qt * 0.001, 'us')}{beside}")


@claim("thread-overhead-4k")
def overhead_4k(ev):
    x, q = stack_points(ev, "rss_per_thread")[0]
    if x != 0:
        return ev.missing("stacks", "pthread_stack", "rss_per_thread")
    return ev.verdict(q, "B/thread", f"RSS per pthread that touched nothing (touchBytes=0): {fmt_ci(q, 'B')}")


@claim("stacks-512-4gb")
def stacks_512(ev):
    space = stack_points(ev, "vmsize_per_thread")[0][1] * (512 / GIB)
    memory = stack_points(ev, "rss_per_thread")[0][1] * (512 / GIB)
    parts = [("512 stacks reserve about 4 GB of address space (above 3.5 GiB)", judge(space, "above", 3.5)),
             ("but not of memory: 512 untouched threads resident below 0.4 GiB", judge(memory, "below", 0.4))]
    return ev.verdict(space, "GiB address space (512 threads)",
                      f"512 x VmSize per thread {fmt_ci(space, 'GiB')}; 512 x RSS per thread {fmt_ci(memory, 'GiB')}", parts)
