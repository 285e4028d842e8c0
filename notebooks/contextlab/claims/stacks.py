"""stacks suite: what a thread's stack costs in memory, what a virtual thread costs, spawning."""
from .core import (FAILS, HOLDS, METRICS, NOT, PARTLY, WIRING, Verdict, _err, _ratio, claim, numeric, per_class,
                   param)

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
    "heap_per_vthread": "bytesPerVirtualThread",
})
# The JMH parameter holding the bytes of stack each thread touches, per class (they differ).
TOUCHED = {"PthreadStacks": "touchBytes", "PlatformThreadStacks": "stackTouchBytes"}

EIGHT_MB = 8 * 1024 * 1024


def touched(df):
    """The bytes touched per thread of each row, from its class's parameter (TOUCHED)."""
    return per_class(df, TOUCHED)


def _bytes(value, unit):
    unit = (unit or "").lower()
    scale = 1024 if unit.startswith(("kb", "kib")) else 1024 ** 2 if unit.startswith(("mb", "mib")) else 1
    return value * scale


def _by_touched(m):
    """Median bytes per thread by touched bytes, or None."""
    if m.empty:
        return None
    m = m.assign(x=touched(m), b=[_bytes(v, u) for v, u in zip(m["score"], m["unit"])]).dropna(subset=["x"])
    if m.empty:
        return None
    return m.groupby("x")["b"].median().sort_index()


@claim("stack-demand-paged")
def demand_paged(ev):
    rss = _by_touched(ev.metric("pthread_stack", "rss_per_thread"))
    if rss is None:
        return ev.missing("stack-demand-paged", "stacks", "pthread_stack", "rss_per_thread")
    vm = _by_touched(ev.metric("pthread_stack", "vmsize_per_thread"))
    small, large = rss.iloc[0], rss.iloc[-1]
    grows = len(rss) > 1 and (large - small) >= 0.5 * (rss.index[-1] - rss.index[0])
    reserved_only = small < 0.25 * EIGHT_MB
    verdict = HOLDS if grows and reserved_only else PARTLY if grows or reserved_only else FAILS
    reserved = f"; address space {vm.median() / 2**20:.1f} MiB per thread" if vm is not None else ""
    return Verdict("stack-demand-paged", verdict, small / 1024, float("nan"), "KiB/thread",
                   f"RSS per thread {small / 1024:.0f} KiB touching {rss.index[0]:.0f} B, "
                   f"{large / 1024:.0f} KiB touching {rss.index[-1]:.0f} B{reserved}")


@claim("stack-not-returned")
def not_returned(ev):
    alive = _by_touched(ev.metric("pthread_stack", "rss_per_thread"))
    if alive is None:
        return ev.missing("stack-not-returned", "stacks", "pthread_stack", "rss_per_thread")
    top = alive.index[-1]
    if top <= 0:
        return Verdict("stack-not-returned", NOT, detail="no touched depth > 0")
    base = alive.iloc[0] if alive.index[0] == 0 else 0.0   # a thread that touched nothing: its fixed cost
    held = (alive.iloc[-1] - base) / top                   # the touched frames returned before the thread parked
    after = _by_touched(ev.metric("pthread_stack", "rss_after_exit"))
    freed = None if after is None else after.iloc[-1] / top
    held_ok = held >= 0.8
    verdict = (HOLDS if held_ok and (freed is None or freed < 0.5) else PARTLY) if held_ok else \
        (FAILS if held < 0.2 else PARTLY)
    detail = f"{held:.0%} of {top / 1024:.0f} KiB touched still resident while the thread lives (frames returned)"
    if freed is not None:
        detail += f"; {freed:.0%} still resident after the threads exited"
        if freed >= 0.5:
            detail += " (kept even after exit: partly)"
    return Verdict("stack-not-returned", verdict, held, float("nan"), "resident/touched while alive", detail)


@claim("vthread-many-coroutines")
def many_coroutines(ev):
    m = ev.metric("vthread_footprint", "heap_per_vthread")
    if m.empty:
        return ev.missing("vthread-many-coroutines", "stacks", "vthread_footprint", "heap_per_vthread")
    dcol = param(m, "depth")
    if dcol:
        m = m[numeric(m[dcol]) == numeric(m[dcol]).min()]
    r = m.sort_values("score").iloc[0]
    b = _bytes(float(r["score"]), r["unit"])
    verdict = HOLDS if b < 10 * 1024 else PARTLY if b < 100 * 1024 else FAILS
    return Verdict("vthread-many-coroutines", verdict, b, _bytes(_err(r["error"]), r["unit"]), "bytes/virtual thread",
                   f"{r['name']} [{r['params']}] {r['metric']}: 100,000 of them = {b * 1e5 / 2**20:.0f} MiB")


@claim("process-spawn-costly")
def spawn(ev):
    f, t = ev.one("spawn_fork"), ev.one("spawn_pthread")
    if f is None or t is None:
        return ev.missing("process-spawn-costly", "stacks", "spawn_fork" if f is None else "spawn_pthread")
    r, e = _ratio(f[0], f[1], t[0], t[1])
    verdict = HOLDS if r >= 5 else PARTLY if r >= 2 else FAILS
    return Verdict("process-spawn-costly", verdict, r, e, "x", f"{f[2]} {f[0]:.0f} ns vs {t[2]} {t[0]:.0f} ns")
