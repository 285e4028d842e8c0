"""sched suite: a token handoff against the run queue's length (RunQueueHandoff, eBPF profiler)."""
from ..fits import fit_log
from .core import FAILS, HOLDS, PARTLY, WIRING, Verdict, claim, numeric

WIRING.update({"runqueue_handoff": "io.contextlab.sched.RunQueueHandoff.handoff"})


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
