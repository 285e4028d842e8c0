"""sched suite: the scheduler's own cost per switch against the runnable tasks m on one CPU
(SchedulerCost), and a token handoff waiting behind m spinners' time slices (WaitBehindTimeSlices,
RunQueueHandoff before 2026-12, read under its new name by contextlab.legacy).

cfs-log-m is judged on SchedulerCost kind=yield: every one of its m tasks stays runnable (a
sched_yield never sleeps), so the tree really holds m tasks, which the eBPF context tier's
`ebpf.queued.busiest` (time-weighted runnable tasks on the busiest CPU) confirms point by point. A
point whose queue held fewer than m/2 is listed and left out of the fit. kind=ring is the literal
block and wake-up, but a blocked task leaves the tree, so its queue holds far fewer than m: shown,
not judged. m = 1 makes no switch (the yield returns to the caller): shown, not fitted.
WaitBehindTimeSlices grows with m by construction (the handoff waits out the spinners' slices):
05-sched.ipynb shows it as "waiting behind m time slices", never as the tree's cost."""
import numpy as np

from .core import METRICS, NOT, WIRING, Verdict, claim, fit_draws, fmt_ci, judge, matches, numeric

WIRING.update({"runqueue_handoff": "io.contextlab.sched.WaitBehindTimeSlices.handoff",
               "scheduler_cost": "io.contextlab.sched.SchedulerCost.pass"})
METRICS.update({"queued": "ebpf.queued.busiest", "probe_cost": "ebpf.overhead.ns/op",
                "detail_tier": "ebpf.syscalls/op", "involuntary": "ebpf.cswitch.involuntary/op",
                "voluntary": "ebpf.cswitch.voluntary/op"})   # a metric only the detail tier writes
NEW_BENCHMARKS = {WIRING["scheduler_cost"]}
NEW_METRICS = {METRICS[k] for k in ("queued", "probe_cost", "detail_tier", "involuntary", "voluntary")}
FOREIGN = 1.5           # switches per pass above which foreign work came in (a yield makes one per pass)
JUDGED_KIND = "yield"   # every task runnable: the tree holds m
QUEUED_SHARE = 0.5      # a point is used when its queue held at least m/2 (claims.csv)
LEAST_POINTS = 3        # fewer points passing the check: not measured


def runnable(rows):
    """m of the run-queue rows: the `background` runnable threads plus the handoff pair."""
    return numeric(rows["p_background"]) + 2


def runqueue_curves(ev):
    """{(backgroundKind, placement): median handoff ns by m} of WaitBehindTimeSlices."""
    rows = ev.rows("runqueue_handoff")
    if rows.empty or "p_background" not in rows:
        return {}
    rows = rows.assign(x=runnable(rows)).dropna(subset=["x"])
    return {k: d.groupby("x")["score"].median().sort_index()
            for k, d in rows.groupby(["p_backgroundKind", "p_placement"])}


def cost_points(ev, kind):
    """SchedulerCost's points of one kind, by m: [{m, q (Q of ns per pass), queued (mean over the
    iterations of ebpf.queued.busiest, or None), confirmed (queued >= m/2), probe (the probes'
    kernel-accounted ns per pass, or None), detail (timed under the eBPF detail tier), switches (the
    benchmark's threads' switches per pass, or None)}]."""
    rows = ev.rows("scheduler_cost")
    if rows.empty or not {"p_m", "p_kind"} <= set(rows.columns):
        return []
    rows = rows[matches(rows["p_kind"], kind)].assign(x=numeric(rows["p_m"])).dropna(subset=["x"])
    out = []
    for m, d in rows.groupby("x"):
        row = d.sort_values("score").iloc[0]
        q = ev.q(row)
        if q is None:
            continue
        queued = ev.metric_q("scheduler_cost", "queued", kind=kind, m=row["p_m"])
        qv = None if queued is None else queued.point
        probe = ev.metric_q("scheduler_cost", "probe_cost", kind=kind, m=row["p_m"])
        detail = ev.metric_q("scheduler_cost", "detail_tier", kind=kind, m=row["p_m"]) is not None
        sw = [ev.metric_q("scheduler_cost", k, kind=kind, m=row["p_m"]) for k in ("involuntary", "voluntary")]
        out.append({"m": float(m), "q": q, "queued": qv, "confirmed": qv is not None and qv >= QUEUED_SHARE * m,
                    "probe": None if probe is None else probe.point, "detail": detail,
                    "switches": None if None in sw else sw[0].point + sw[1].point})
    return sorted(out, key=lambda p: p["m"])


def fits(points):
    """(ns per doubling, ns per task, log-log slope) over points, each a Q."""
    xs, qs = [p["m"] for p in points], [p["q"] for p in points]
    return (fit_draws(xs, qs), fit_draws(xs, qs, transform_x=lambda x: x),
            fit_draws(xs, qs, transform_x=np.log10, log_y=True))


def probe_share(points):
    """The probes' kernel-accounted cost per pass over points, as "a-b ns (c-d%)"."""
    got = [(p["probe"], p["probe"] / p["q"].point) for p in points if p["probe"] is not None and p["q"].point > 0]
    if not got:
        return "an unrecorded share"
    ns, share = [g[0] for g in got], [g[1] for g in got]
    return f"{min(ns):.0f}-{max(ns):.0f} ns ({100 * min(share):.1f}-{100 * max(share):.1f}%)"


def _pt(p):
    return f"{p['q'].point:.0f} ns at m={p['m']:g}"


def _queued(p):
    return "no queued count" if p["queued"] is None else f"queued {p['queued']:.0f}"


@claim("cfs-log-m")
def cfs_log_m(ev):
    pts = cost_points(ev, JUDGED_KIND)
    ev.need(pts or None, "sched", "scheduler_cost")
    if any(p["detail"] for p in pts):
        return Verdict(ev.claim, NOT, detail=f"SchedulerCost was timed under the eBPF detail tier, whose probes "
                                             f"cost {probe_share(pts)} of a pass: the claim reads timings under the "
                                             "context tier alone (-prof io.contextlab.tracing.EbpfProfiler:context)")
    switching = [p for p in pts if p["m"] >= 2]
    used = [p for p in switching if p["confirmed"]]
    left = [p for p in switching if not p["confirmed"]]
    listed = ("; left out (queue below m/2): " + ", ".join(f"m={p['m']:g} ({_queued(p)})" for p in left)) if left else ""
    if len(used) < LEAST_POINTS:
        return Verdict(ev.claim, NOT, detail=f"{len(used)} SchedulerCost kind={JUDGED_KIND} points with m >= 2 and "
                                             f"ebpf.queued.busiest >= m/2, {LEAST_POINTS} needed{listed}")
    per_doubling, per_task, loglog = fits(used)
    lo, hi = per_doubling.ci()
    confirmed = ", ".join("%.0f/%g" % (p["queued"], p["m"]) for p in used)
    parts = [("grows with m (ns per doubling above 0)", judge(per_doubling, "above", 0.0)),
             ("not linear (log-log slope below 0.5)", judge(loglog, "below", 0.5))]
    detail = (f"sched_yield among m tasks on one CPU: {_pt(used[0])} -> {_pt(used[-1])} "
              f"({len(used)} points, queued/m: {confirmed}); "
              f"{fmt_ci(per_doubling, 'ns per doubling')}, linear {fmt_ci(per_task, 'ns per task')}, "
              f"log-log slope {fmt_ci(loglog)}; smallest effect this run could see: "
              f"{(hi - lo) / 2:.2g} ns per doubling (the interval's half-width)")
    if lo <= 0:
        detail += f"; a log m term above {hi:.2g} ns per doubling would have shown"
    if pts[0]["m"] < 2:
        detail += f"; m=1 (no switch) {pts[0]['q'].point:.0f} ns, not fitted"
    detail += listed
    ring = [p for p in cost_points(ev, "ring") if p["queued"] is not None]
    if ring:
        top = ring[-1]
        detail += (f"; ring (block and wake-up) {_pt(top)} with {top['queued']:.0f} of m queued: its blocked tasks "
                   "leave the tree, shown not judged")
    foreign = [p for p in used if p["switches"] is not None and p["switches"] > FOREIGN]
    if foreign:
        detail += ("; foreign work came in at " + ", ".join(f"m={p['m']:g} ({p['switches']:.2g} switches per pass)"
                                                            for p in foreign) + ", where a yield makes one")
    detail += f"; the context tier's own cost {probe_share(used)} per pass"
    detail += "; the growth includes m tasks' cache and TLB footprint, so it bounds the tree's O(log m) term from above"
    return ev.verdict(per_doubling, "ns per doubling of m", detail, parts)
