"""servers step: the server models under wrk (servers.json), judged on ok requests per second."""
from .core import FAILS, HOLDS, NOT, PARTLY, Verdict, claim, status_text

THREAD_MODEL = "thread"   # model names as servers.json spells them
FORK_MODEL = "fork"
THROUGHPUT = "ok_requests_per_s"


def server_curve(df, model):
    """ok requests/s by concurrency of one model's measured points, or None."""
    if df.empty:
        return None
    rows = df[(df["model"] == model) & (df["status"].astype(str) == "measured")]
    rows = rows[rows[THROUGHPUT].notna() & (rows[THROUGHPUT] > 0)]
    if rows.empty:
        return None
    return rows.groupby("concurrency")[THROUGHPUT].max().sort_index()


@claim("thread-mode-peak")
def thread_peak(ev):
    c = server_curve(ev.servers, THREAD_MODEL)
    if c is None or len(c) < 3:
        return Verdict("thread-mode-peak", NOT, detail=f"no model {THREAD_MODEL!r} in servers.json "
                       f"(suite servers {status_text(ev.run.suite_status('servers'))})")
    peak_at = c.idxmax()
    high = c[c.index >= 500]
    frac = float(high.iloc[0] / c.max()) if not high.empty else None
    early = peak_at <= 10
    degrades = frac is not None and frac < 0.7
    verdict = HOLDS if early and degrades else PARTLY if early or degrades else FAILS
    return Verdict("thread-mode-peak", verdict, float(peak_at), float("nan"), "clients at peak",
                   f"peak {c.max():.0f} req/s at {peak_at:g} clients (points: {', '.join(f'{x:g}' for x in c.index)})" +
                   (f"; at {high.index[0]:g} clients {frac:.0%} of peak" if frac is not None else "; no point >= 500"))


@claim("fork-10x-slower")
def fork_slower(ev):
    t, f = server_curve(ev.servers, THREAD_MODEL), server_curve(ev.servers, FORK_MODEL)
    if t is None or f is None:
        return Verdict("fork-10x-slower", NOT, detail=f"models {THREAD_MODEL!r} and {FORK_MODEL!r} not both in "
                       f"servers.json (suite servers {status_text(ev.run.suite_status('servers'))})")
    common = t.index.intersection(f.index)
    if len(common) == 0:
        return Verdict("fork-10x-slower", NOT, detail="no concurrency measured for both models")
    ratios = (t[common] / f[common]).sort_values()
    r = float(ratios.median())
    verdict = HOLDS if r >= 5 else PARTLY if r >= 2 else FAILS
    return Verdict("fork-10x-slower", verdict, r, float("nan"), "x",
                   f"thread/fork over {len(common)} concurrencies, {ratios.iloc[0]:.1f}x to {ratios.iloc[-1]:.1f}x; "
                   "wrk keeps connections alive, so a fork per connection is paid once per connection, "
                   "not per request as in the article's server")
