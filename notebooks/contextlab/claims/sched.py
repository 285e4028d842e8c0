"""sched suite: the scheduler's cost per switch against m runnable tasks (SchedulerCost, the direct
test), and a token handoff waiting behind m spinners' time slices (WaitBehindTimeSlices, called
RunQueueHandoff before 2026-12), with the eBPF profiler's queued count."""
from ..fits import fit_log
from .core import FAILS, HOLDS, PARTLY, WIRING, Verdict, claim, numeric

WIRING.update({"runqueue_handoff": ("io.contextlab.sched.WaitBehindTimeSlices.handoff",
                                     "io.contextlab.sched.RunQueueHandoff.handoff"),
               "scheduler_cost": "io.contextlab.sched.SchedulerCost.pass"})
QUEUED = "ebpf.queued.busiest"


def scheduler_cost_curves(ev):
    """{kind: median ns per switch by m} of SchedulerCost."""
    rows = ev.rows("scheduler_cost")
    if rows.empty or "p_m" not in rows or "p_kind" not in rows:
        return {}
    rows = rows.assign(x=numeric(rows["p_m"])).dropna(subset=["x"])
    return {k: d.groupby("x")["score"].median().sort_index() for k, d in rows.groupby("p_kind")}


def queued_at(ev, kind, m):
    """The eBPF context's time-weighted runnable count on the crowd's CPU for (kind, m), or NaN."""
    sec = ev.rows("scheduler_cost", ev.secondary)
    if sec.empty or "p_m" not in sec:
        return float("nan")
    sec = sec[(sec["metric"] == QUEUED) & (sec["p_kind"] == kind) & (numeric(sec["p_m"]) == m)]
    return float(sec["score"].median()) if not sec.empty else float("nan")


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
    direct = {k: c for k, c in scheduler_cost_curves(ev).items() if len(c) >= 3}
    if direct:
        return cfs_log_m_direct(ev, direct)
    curves = {k: c for k, c in runqueue_curves(ev).items() if len(c) >= 3}
    if not curves:
        return ev.missing("cfs-log-m", "sched", "runqueue_handoff")
    # The claim is about the tree, not about waiting for spinners' time slices: prefer yielding
    # background threads on one CPU, where the queue is long but every task gives the CPU up.
    key = next((k for k in (("yield", "sameCpu"), ("yield", "twoCpus")) if k in curves), sorted(curves)[0])
    c = curves[key]
    fit = fit_log(c.index, c.values)
    growth = c.iloc[-1] / c.iloc[0]
    if growth <= 1.1 or fit["b_per_doubling"] <= 0:
        verdict = FAILS
    else:
        verdict = HOLDS if fit["rss_log"] < fit["rss_linear"] else PARTLY
    return Verdict("cfs-log-m", verdict, fit["b_per_doubling"], fit["b_err"], "ns per doubling of m",
                   f"{'/'.join(key)}: {c.iloc[0]:.0f} ns at m={c.index[0]:g} -> {c.iloc[-1]:.0f} ns at m={c.index[-1]:g}; "
                   f"log fit residual {fit['rss_log']:.3g} vs linear {fit['rss_linear']:.3g}")


def cfs_log_m_direct(ev, curves):
    """SchedulerCost: cost per switch against m, yield preferred (all m runnable, no wake-up).
    Holds when the cost grows and log m fits better than m; a flat curve fails the claim as a
    price (the tree's log m is lost under the switch's fixed cost), not as a data structure."""
    kind = "yield" if "yield" in curves else sorted(curves)[0]
    c = curves[kind]
    fit = fit_log(c.index, c.values)
    top = c.index[-1]
    queued = queued_at(ev, kind, top)
    confirmed = queued == queued and queued >= top / 2
    growth = c.iloc[-1] / c.iloc[0]
    if fit is None or growth <= 1.1 or fit["b_per_doubling"] <= 0:
        verdict = FAILS
    else:
        verdict = HOLDS if fit["rss_log"] < fit["rss_linear"] and confirmed else PARTLY
    return Verdict("cfs-log-m", verdict, fit["b_per_doubling"] if fit else float("nan"), fit["b_err"] if fit else float("nan"),
                   "ns per doubling of m",
                   f"SchedulerCost {kind}: {c.iloc[0]:.0f} ns per switch at m={c.index[0]:g} -> {c.iloc[-1]:.0f} ns at m={top:g} "
                   f"({QUEUED} {queued:.0f} there{'' if confirmed else ', under m/2: m not confirmed'}); "
                   + (f"log fit residual {fit['rss_log']:.3g} vs linear {fit['rss_linear']:.3g}" if fit else "no fit"))
