"""servers step: the server models under wrk (servers.json), ok requests per second.

The article's servers open a connection per request; the points of contextlab.servers/1 measured so
far keep connections alive (a fork or a thread per connection is then paid once, not per request)
and have no repetitions, so no interval. Until the servers issue rebuilds the experiment, the
servers' claims are "not tested" (or "not measured" when the run has no point to show); the
figures are stated in the detail."""
from .core import NOT, NOT_TESTED, Verdict, claim, status_text

THREAD_MODEL = "thread"   # model names as servers.json spells them
FORK_MODEL = "fork"
THROUGHPUT = "ok_requests_per_s"
PER_REQUEST = "close"     # servers.json's `connection` of a point with one connection per request


def server_curve(df, model, connection=None):
    """ok requests/s by concurrency of one model's measured points, or None."""
    if df.empty:
        return None
    rows = df[(df["model"] == model) & (df["status"].astype(str) == "measured")]
    if connection and "connection" in rows:
        rows = rows[rows["connection"].astype(str) == connection]
    rows = rows[rows[THROUGHPUT].notna() & (rows[THROUGHPUT] > 0)]
    if rows.empty:
        return None
    return rows.groupby("concurrency")[THROUGHPUT].max().sort_index()


def _absent(ev, cid, what):
    return Verdict(cid, NOT, detail=f"{what} not in servers.json (suite servers "
                   f"{status_text(ev.run.suite_status('servers'))})")


@claim("thread-mode-peak")
def thread_peak(ev):
    c = server_curve(ev.servers, THREAD_MODEL)
    if c is None:
        return _absent(ev, "thread-mode-peak", f"model {THREAD_MODEL!r}")
    return Verdict("thread-mode-peak", NOT_TESTED, float(c.idxmax()), None, "clients at peak",
                   f"not tested (keep-alive connections, no repetitions): peak {c.max():.0f} req/s at {c.idxmax():g} "
                   f"clients over {', '.join(f'{x:g}' for x in c.index)}")


@claim("fork-10x-slower")
def fork_slower(ev):
    t, f = server_curve(ev.servers, THREAD_MODEL), server_curve(ev.servers, FORK_MODEL)
    if t is None or f is None:
        return _absent(ev, "fork-10x-slower", f"models {THREAD_MODEL!r} and {FORK_MODEL!r}")
    common = t.index.intersection(f.index)
    if len(common) == 0:
        return Verdict("fork-10x-slower", NOT, detail="no concurrency measured for both models")
    r = float((t[common] / f[common]).median())
    return Verdict("fork-10x-slower", NOT_TESTED, r, None, "x (thread / fork)",
                   f"not tested: median thread/fork {r:.2f}x over {len(common)} concurrencies; wrk keeps connections "
                   "alive, so a fork per connection is paid once per connection, not per request as in the article")


@claim("thread-mode-poor-1k")
def thread_poor_1k(ev):
    c = server_curve(ev.servers, THREAD_MODEL, PER_REQUEST)
    if c is None or not (c.index >= 1000).any() or len(c) < 2:
        return Verdict("thread-mode-poor-1k", NOT, detail="no connection-per-request points of the thread model "
                       "at >= 1000 clients (the servers issue adds them)")
    frac = float(c[c.index >= 1000].iloc[0] / c.max())
    return Verdict("thread-mode-poor-1k", NOT_TESTED, frac, None, "fraction of peak",
                   f"not tested (no repetitions, no interval): at {c[c.index >= 1000].index[0]:g} clients {frac:.0%} of the peak")


@claim("fork-abandon-c1k")
def fork_c1k(ev):
    t, f = server_curve(ev.servers, THREAD_MODEL, PER_REQUEST), server_curve(ev.servers, FORK_MODEL, PER_REQUEST)
    if t is None or f is None or not (f.index >= 1000).any():
        return Verdict("fork-abandon-c1k", NOT, detail="no connection-per-request points of the fork model at "
                       ">= 1000 clients (the servers issue adds them)")
    common = [x for x in t.index.intersection(f.index) if x >= 1000]
    if not common:
        return Verdict("fork-abandon-c1k", NOT, detail="thread and fork not both measured at >= 1000 clients")
    r = float(f[common[0]] / t[common[0]])
    return Verdict("fork-abandon-c1k", NOT_TESTED, r, None, "x (fork / thread)",
                   f"not tested (no repetitions, no interval): fork/thread {r:.2f} at {common[0]:g} clients")
