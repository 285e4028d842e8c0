"""epoll suite: epoll_ctl against registered fds, epoll_wait against ready fds, poll/select scans,
the thundering herd."""
import pandas as pd

from ..fits import fit_loglog
from .core import FAILS, HOLDS, METRICS, NOT, PARTLY, WIRING, Verdict, claim, numeric, per_class, param

WIRING.update({
    "epoll_ctl": "io.contextlab.epoll.EpollCtl.addDel",
    "epoll_wait": "io.contextlab.epoll.EpollWaitLevel.levelTriggered",
    "epoll_wait_vs_n": "io.contextlab.epoll.PollScan.epollWait",
    "epoll_et_no_new_edge": "io.contextlab.epoll.EpollWaitEdge.noNewEdge",
    "poll": "io.contextlab.epoll.PollScan.poll",
    "herd": "io.contextlab.epoll.ThunderingHerd.connectAndCount",
    # plotted beside the claims in 04-epoll
    "epoll_ctl_all": "io.contextlab.epoll.EpollCtl",
    "epoll_wait_all": ("io.contextlab.epoll.EpollWaitLevel", "io.contextlab.epoll.EpollWaitEdge",
                       "io.contextlab.epoll.EpollWaitOneShot"),
    "scan_all": ("io.contextlab.epoll.PollScan", "io.contextlab.epoll.SelectScan"),
    "jdk_selector": ("io.contextlab.epoll.SelectorRegister", "io.contextlab.epoll.SelectorSelect"),
})
METRICS.update({"registered": "registeredFds", "kernel_wakeups": "kernelWakeups", "connections": "connections"})
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


def _median_curve(rows):
    return rows.groupby("x")["score"].median().sort_index() if not rows.empty else None


@claim("epoll-ctl-log-n")
def epoll_ctl(ev):
    c = _median_curve(with_x(ev, ev.rows("epoll_ctl"), "n", ("epoll_ctl", "registered")))
    if c is None or len(c) < 2:
        return ev.missing("epoll-ctl-log-n", "epoll", "epoll_ctl")
    fit = fit_loglog(c.index, c.values)
    s = fit["slope"]
    growth = c.iloc[-1] / c.iloc[0]
    verdict = FAILS if s >= 0.5 else HOLDS if growth > 1.1 and s < 0.3 else PARTLY
    return Verdict("epoll-ctl-log-n", verdict, s, fit["slope_err"], "log-log slope",
                   f"ADD+DEL {c.iloc[0]:.0f} ns at n={c.index[0]:g} -> {c.iloc[-1]:.0f} ns at n={c.index[-1]:g} "
                   f"(x{growth:.2f}); O(log n) shows as a small positive slope, O(n) as 1")


def all_events(rows):
    """epoll_wait rows whose maxevents lets every ready fd come back (maxevents=all), if recorded."""
    mc = param(rows, "maxevents")
    return rows[rows[mc].astype(str) == "all"] if mc and (rows[mc].astype(str) == "all").any() else rows


@claim("epoll-wait-ready")
def epoll_wait(ev):
    by_ready = _median_curve(with_x(ev, all_events(ev.rows("epoll_wait")), "r"))
    if by_ready is None or len(by_ready) < 2:
        return ev.missing("epoll-wait-ready", "epoll", "epoll_wait")
    fit_ready = fit_loglog(by_ready.index, by_ready.values)
    s_ready = fit_ready["slope"]
    by_n = _median_curve(with_x(ev, ev.rows("epoll_wait_vs_n"), "n"))
    s_n = fit_loglog(by_n.index, by_n.values)["slope"] if by_n is not None and len(by_n) >= 2 else None
    ok_ready = s_ready >= 0.5
    ok_n = s_n is not None and abs(s_n) < 0.2
    verdict = HOLDS if ok_ready and ok_n else PARTLY if ok_ready or ok_n else FAILS
    detail = f"slope against ready fds {s_ready:.2f} (level-triggered, maxevents=all)" + (
        f", against registered fds with one ready {s_n:.2f}" if s_n is not None else ", no sweep over registered fds")
    return Verdict("epoll-wait-ready", verdict, s_ready, fit_ready["slope_err"], "log-log slope vs ready", detail)


@claim("epoll-et-fewer")
def et_fewer(ev):
    et = with_x(ev, all_events(ev.rows("epoll_et_no_new_edge")), "r")
    lt = with_x(ev, all_events(ev.rows("epoll_wait")), "r")
    if et.empty or lt.empty:
        return ev.missing("epoll-et-fewer", "epoll", "epoll_et_no_new_edge" if et.empty else "epoll_wait")
    x = max(set(et["x"]) & set(lt["x"]), default=None)
    if x is None:
        return Verdict("epoll-et-fewer", NOT, detail="edge and level results share no ready count")
    e, l_ = et[et["x"] == x]["score"].median(), lt[lt["x"] == x]["score"].median()
    r = float(e / l_)
    verdict = HOLDS if r < 0.5 else PARTLY if r < 1 else FAILS
    return Verdict("epoll-et-fewer", verdict, r, float("nan"), "time ET/LT",
                   f"{x:g} fds ready and unread: edge-triggered wait (no new edge, returns none) {e:.0f} ns vs "
                   f"level-triggered (returns all {x:g}) {l_:.0f} ns")


@claim("poll-select-scan")
def poll_scan(ev):
    c = _median_curve(with_x(ev, ev.rows("poll"), "n"))
    if c is None or len(c) < 2:
        return ev.missing("poll-select-scan", "epoll", "poll")
    fit = fit_loglog(c.index, c.values)
    s = fit["slope"]
    verdict = HOLDS if s >= 0.7 else PARTLY if s >= 0.3 else FAILS
    return Verdict("poll-select-scan", verdict, s, fit["slope_err"], "log-log slope",
                   f"poll with one ready fd: {c.iloc[0]:.0f} ns at n={c.index[0]:g} -> {c.iloc[-1]:.0f} ns at n={c.index[-1]:g}")


def herd_table(ev):
    """Wake-ups per connection for each herd benchmark row: kernelWakeups / connections (JMH sums
    both over iterations, so the ratio is per connection), with style, waiters (k) and cpus."""
    wake, conn = ev.metric("herd", "kernel_wakeups"), ev.metric("herd", "connections")
    if wake.empty or conn.empty:
        return pd.DataFrame()
    t = wake.merge(conn[["params", "score"]], on="params", suffixes=("", "_connections"))
    t = t.assign(wakeups_per_connection=t["score"] / t["score_connections"])
    return t.assign(waiters=numeric(t["p_k"]))


@claim("accept-wakes-one")
def accept_one(ev):
    t = herd_table(ev)
    if t.empty:
        return ev.missing("accept-wakes-one", "epoll", "herd", "kernel_wakeups")
    blocking = t[t["p_style"].astype(str) == "accept"]
    if blocking.empty:
        return Verdict("accept-wakes-one", NOT, detail="herd results without the blocking-accept style")
    k = blocking["waiters"].max()
    at_k = blocking[blocking["waiters"] == k] if k == k else blocking
    v = float(at_k["wakeups_per_connection"].max())
    verdict = HOLDS if v <= 1.2 else FAILS if k == k and v >= k / 2 else PARTLY
    shared = t[(t["p_style"].astype(str) == "sharedEpoll") & (t["waiters"] == k)]
    extra = f"; shared epoll fd: {shared['wakeups_per_connection'].max():.2f}" if not shared.empty else ""
    return Verdict("accept-wakes-one", verdict, v, float("nan"), "wakeups/connection",
                   f"blocking accept, {k:g} waiters, worst pinning ({at_k['metric'].iloc[0]} / connections){extra}")
