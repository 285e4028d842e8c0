"""epoll suite: epoll_ctl against registered fds, epoll_wait against ready fds, events per wait
(ET/LT), poll/select scans, the thundering herd and its variants."""
import numpy as np
import pandas as pd

from .core import METRICS, NOT, WIRING, Q, claim, fit_draws, fmt_ci, judge, numeric, per_class, param

WIRING.update({
    "epoll_ctl": "io.contextlab.epoll.EpollCtl.addDel",
    "epoll_wait": "io.contextlab.epoll.EpollWaitLevel.levelTriggered",
    "epoll_wait_vs_n": "io.contextlab.epoll.PollScan.epollWait",
    "epoll_et_no_new_edge": "io.contextlab.epoll.EpollWaitEdge.noNewEdge",
    "poll": "io.contextlab.epoll.PollScan.poll",
    "herd": "io.contextlab.epoll.ThunderingHerd.connectAndCount",
    # issue 15: a blocking read after a report, level- and edge-triggered
    "blocking_lt": "io.contextlab.epoll.BlockingReadAfterWait.levelTriggered",
    "blocking_et": "io.contextlab.epoll.BlockingReadAfterWait.edgeTriggered",
    # plotted beside the claims in 04-epoll
    "epoll_ctl_all": "io.contextlab.epoll.EpollCtl",
    "epoll_wait_all": ("io.contextlab.epoll.EpollWaitLevel", "io.contextlab.epoll.EpollWaitEdge",
                       "io.contextlab.epoll.EpollWaitOneShot"),
    "scan_all": ("io.contextlab.epoll.PollScan", "io.contextlab.epoll.SelectScan"),
    "jdk_selector": ("io.contextlab.epoll.SelectorRegister", "io.contextlab.epoll.SelectorSelect"),
})
METRICS.update({"registered": "registeredFds", "kernel_wakeups": "kernelWakeups", "connections": "connections",
                "events_per_wait": "eventsPerWait", "blocked_reads": "blockedReadsPerWait"})
# Benchmarks and metrics the 2026-11-22 run did not have (added in issue 15; kept for the legacy reader).
NEW_BENCHMARKS = {WIRING["blocking_lt"], WIRING["blocking_et"]}
NEW_METRICS = {"eventsPerWait", "blockedReadsPerWait"}
REGISTERED = ("epoll_ctl", "registered")   # where n=max is resolved to a number
# The JMH parameter each class sweeps the fd count with ("max" = RLIMIT_NOFILE, "all" = every fd).
FDS = {"EpollCtl": "n", "PollScan": "n", "SelectScan": "fds", "SelectorRegister": "channels",
       "SelectorSelect": "channels", "EpollWaitLevel": "registered", "EpollWaitEdge": "registered",
       "EpollWaitOneShot": "registered"}


def fd_count(df):
    """The fd count of each row, from its class's parameter (FDS); words stay NaN."""
    return per_class(df, FDS)


def with_x(ev, rows, name, max_from=None):
    """rows with a numeric column `x` from the JMH parameter `name`. The words the suites use for
    "the largest" resolve to numbers: "all" (ready = every registered fd) to the row's fd count, "max"
    (n = RLIMIT_NOFILE) to the secondary metric max_from = (what, metric key) that records it."""
    c = param(rows, name) if not rows.empty else None
    if c is None:
        return rows.iloc[0:0].assign(x=[])
    x = numeric(rows[c])
    x = x.where(~(rows[c].astype(str) == "all"), fd_count(rows))
    if max_from:
        sec = ev.metric(*max_from)
        if not sec.empty:
            x = x.where(x.notna(), rows["params"].map(sec.set_index("params")["value"]))
    return rows.assign(x=x).dropna(subset=["x"])


def curve(ev, rows, what, least=2):
    """[(x, Q)] of result rows with a numeric x, one point per x (the cheapest row), by x; Missing
    (not measured, naming `what`) with fewer than `least` points."""
    out = []
    for x, d in rows.groupby("x"):
        q = ev.q(d.sort_values("score").iloc[0])
        if q is not None:
            out.append((float(x), q))
    return ev.need(sorted(out, key=lambda p: p[0]) if len(out) >= least else None, "epoll", what)


def loglog(pts):
    """The log-log slope over [(x, Q)] points, as a Q."""
    return fit_draws([x for x, _ in pts], [q for _, q in pts], transform_x=np.log10, log_y=True)


def all_events(rows):
    """epoll_wait rows whose maxevents lets every ready fd come back (maxevents=all), if recorded."""
    mc = param(rows, "maxevents")
    return rows[rows[mc].astype(str) == "all"] if mc and (rows[mc].astype(str) == "all").any() else rows


@claim("epoll-ctl-log-n")
def epoll_ctl(ev):
    pts = curve(ev, with_x(ev, ev.rows("epoll_ctl"), "n", REGISTERED), "epoll_ctl")
    xs, qs = [x for x, _ in pts], [q for _, q in pts]
    per_doubling, slope = fit_draws(xs, qs), loglog(pts)
    lo, hi = per_doubling.ci()
    parts = [("grows with n (ns per doubling above 0)", judge(per_doubling, "above", 0.0)),
             ("not linear (log-log slope below 0.5)", judge(slope, "below", 0.5))]
    detail = (f"ADD+DEL {qs[0].point:.0f} ns at n={xs[0]:g} -> {qs[-1].point:.0f} ns at n={xs[-1]:g}; "
              f"{fmt_ci(per_doubling, 'ns per doubling')}, log-log slope {fmt_ci(slope)}")
    if lo <= 0:
        detail += f"; a log n term above {hi:.2g} ns per doubling would have shown"
    return ev.verdict(per_doubling, "ns per doubling of n", detail, parts)


@claim("epoll-wait-ready")
def epoll_wait(ev):
    s_ready = loglog(curve(ev, with_x(ev, all_events(ev.rows("epoll_wait")), "r"), "epoll_wait"))
    by_n = curve(ev, with_x(ev, ev.rows("epoll_wait_vs_n"), "n", REGISTERED), "epoll_wait_vs_n", least=0)
    parts = [("grows with the ready fds (log-log slope above 0.5)", judge(s_ready, "above", 0.5))]
    detail = f"log-log slope against ready fds (level-triggered, maxevents=all) {fmt_ci(s_ready)}"
    if len(by_n) >= 2:
        s_n = loglog(by_n)
        parts.append(("flat in the registered fds with one ready (|slope| below 0.2)", judge(s_n, "between", (-0.2, 0.2))))
        detail += f"; against registered fds with one ready {fmt_ci(s_n)}"
    else:
        parts.append(("flat in the registered fds", NOT))
    return ev.verdict(s_ready, "log-log slope vs ready", detail, parts)


def events_per_wait(ev, what, **params):
    return ev.need_metric(what, "events_per_wait", "epoll", **params)


@claim("epoll-et-fewer")
def et_fewer(ev):
    p = {"r": "all", "maxevents": "all"}
    et, lt = events_per_wait(ev, "epoll_et_no_new_edge", **p), events_per_wait(ev, "epoll_wait", **p)
    r = et / lt
    return ev.verdict(r, "events per wait, ET / LT",
                      f"every registered fd ready and unread: edge-triggered wait {fmt_ci(et, 'events')}, "
                      f"level-triggered {fmt_ci(lt, 'events')}")


@claim("epoll-et-not-again")
def et_not_again(ev):
    q = events_per_wait(ev, "epoll_et_no_new_edge", r="1")
    return ev.verdict(q, "events per wait", f"one fd reported, data left unread, no new data: {fmt_ci(q, 'events')} per wait")


@claim("lt-blocking-irrelevant")
def lt_blocking(ev):
    lt = ev.need_metric("blocking_lt", "blocked_reads", "epoll")
    et = ev.metric_q("blocking_et", "blocked_reads")
    parts = [("LT: a blocking read after a report never blocks (below 0.01 per wait)", judge(lt, "below", 0.01)),
             ("ET: a blocking read does block (above 0.5 per wait, until its timeout)",
              judge(et, "above", 0.5) if et is not None else NOT)]
    detail = f"blocked reads per wait: LT {fmt_ci(lt)}" + (f", ET {fmt_ci(et)}" if et is not None else ", ET not measured")
    return ev.verdict(lt, "blocked reads per wait (LT)", detail, parts)


@claim("poll-select-scan")
def poll_scan(ev):
    pts = curve(ev, with_x(ev, ev.rows("poll"), "n", REGISTERED), "poll")
    s = loglog(pts)
    return ev.verdict(s, "log-log slope", f"poll with one ready fd: {pts[0][1].point:.0f} ns at n={pts[0][0]:g} -> "
                      f"{pts[-1][1].point:.0f} ns at n={pts[-1][0]:g}; slope {fmt_ci(s)}")


def herd_table(ev):
    """Wake-ups per connection for each herd benchmark row: kernelWakeups / connections (JMH sums
    both over iterations, so the ratio is per connection), with style, waiters (k) and cpus."""
    wake, conn = ev.metric("herd", "kernel_wakeups"), ev.metric("herd", "connections")
    if wake.empty or conn.empty:
        return pd.DataFrame()
    t = wake.merge(conn[["params", "score"]], on="params", suffixes=("", "_connections"))
    t = t.assign(wakeups_per_connection=t["score"] / t["score_connections"])
    return t.assign(waiters=numeric(t["p_k"]))


def herd_q(ev, style):
    """(Q of wake-ups per connection, k, cpus) of one style at the most waiters, worst pinning: each
    iteration's kernelWakeups over its connections (paired), bootstrapped over iterations; or None."""
    t = herd_table(ev)
    if t.empty:
        return None
    rows = t[t["p_style"].astype(str) == style]
    if rows.empty:
        return None
    rows = rows[rows["waiters"] == rows["waiters"].max()].sort_values("wakeups_per_connection")
    r = rows.iloc[-1]
    wake, conn = ev.forks(r, METRICS["kernel_wakeups"]), ev.forks(r, METRICS["connections"])
    if not wake or not conn or [len(f) for f in wake] != [len(f) for f in conn]:
        return None
    ratios = [w / np.where(c > 0, c, np.nan) for w, c in zip(wake, conn)]
    ratios = [f[np.isfinite(f)] for f in ratios]
    if not all(len(f) for f in ratios):
        return None
    return Q.of(ratios, ev.rng), float(r["waiters"]), str(r.get("p_cpus", ""))


def _herd_claim(ev, style, unit="wakeups/connection", per_waiter=False):
    q, k, cpus = ev.need(herd_q(ev, style), "epoll", "herd", "kernel_wakeups")
    shown = q * (1.0 / k) if per_waiter else q
    return ev.verdict(shown, unit, f"style {style}, {k:g} waiters, cpus={cpus} (the worst pinning): "
                      f"{fmt_ci(q, 'wake-ups per connection')}")


@claim("accept-wakes-one")
def accept_one(ev):
    return _herd_claim(ev, "accept")


@claim("herd-epoll-each")
def herd_each(ev):
    return _herd_claim(ev, "epollEach", "wakeups/connection per waiter", per_waiter=True)


@claim("herd-shared-epoll")
def herd_shared(ev):
    return _herd_claim(ev, "sharedEpoll")


@claim("herd-epollexclusive")
def herd_exclusive(ev):
    return _herd_claim(ev, "epollExclusive")


@claim("herd-reuseport")
def herd_reuseport(ev):
    return _herd_claim(ev, "reusePort")
