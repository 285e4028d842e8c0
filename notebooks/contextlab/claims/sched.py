"""sched suite: a token handoff against the run queue's length (WaitBehindTimeSlices, RunQueueHandoff
before 2026-12, read under its new name by contextlab.legacy; eBPF profiler).

cfs-log-m is "not tested": the handoff's cost against m measures waiting for the other runnable
threads' time slices, not the red-black tree's O(log m) (the scheduler issue rebuilds it). The
figure is still computed and shown, with its interval."""
from .core import NOT_TESTED, WIRING, Verdict, claim, fit_draws, fmt_ci, numeric

WIRING.update({"runqueue_handoff": "io.contextlab.sched.WaitBehindTimeSlices.handoff"})


def runnable(rows):
    """m of the run-queue rows: the `background` runnable threads plus the handoff pair."""
    return numeric(rows["p_background"]) + 2


def runqueue_curves(ev):
    """{(backgroundKind, placement): median handoff ns by m}."""
    rows = ev.rows("runqueue_handoff")
    if rows.empty or "p_background" not in rows:
        return {}
    rows = rows.assign(x=runnable(rows)).dropna(subset=["x"])
    return {k: d.groupby("x")["score"].median().sort_index()
            for k, d in rows.groupby(["p_backgroundKind", "p_placement"])}


@claim("cfs-log-m")
def cfs_log_m(ev):
    rows = ev.rows("runqueue_handoff")
    groups = {}
    if not rows.empty and {"p_background", "p_backgroundKind", "p_placement"} <= set(rows.columns):
        rows = rows.assign(x=runnable(rows)).dropna(subset=["x"])
        groups = {k: d for k, d in rows.groupby(["p_backgroundKind", "p_placement"]) if d["x"].nunique() >= 3}
    ev.need(groups or None, "sched", "runqueue_handoff")
    key = next((k for k in (("yield", "sameCpu"), ("yield", "twoCpus")) if k in groups), sorted(groups)[0])
    pts = []
    for x, d in groups[key].groupby("x"):
        q = ev.q(d.iloc[0])
        if q is not None:
            pts.append((float(x), q))
    pts.sort(key=lambda p: p[0])
    b = fit_draws([x for x, _ in pts], [q for _, q in pts])
    lo, hi = b.ci()
    return Verdict(ev.claim, NOT_TESTED, b.point, (lo, hi), "ns per doubling of m",
                   f"not tested: {'/'.join(key)} handoff {pts[0][1].point:.0f} ns at m={pts[0][0]:g} -> "
                   f"{pts[-1][1].point:.0f} ns at m={pts[-1][0]:g}, {fmt_ci(b, 'ns per doubling')}; the handoff waits "
                   "for the other runnable threads' slices, so it cannot isolate the tree's O(log m)")
