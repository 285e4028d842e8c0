"""servers step: the server models under wrk (servers.json), judged on ok requests per second."""
from .core import FAILS, HOLDS, NOT, PARTLY, Verdict, claim, status_text

THREAD_MODEL = "thread"   # model names as servers.json spells them
FORK_MODEL = "fork"
# The article's experiment (servers.json v2): its Python server's two modes, one request per
# connection, and the same two modes in C. The claims are judged on these when a run has them,
# on the Java thread and C fork models (keep-alive) otherwise.
ARTICLE_PAIRS = (("py-thread", "py-fork"), ("c-thread", "c-fork"))
ARTICLE_CONNECTION = "close"
THROUGHPUT = "ok_requests_per_s"


def server_curve(df, model, connection=None):
    """Mean ok requests/s over repetitions by concurrency of one model's measured points (of one
    connection mode when given), or None."""
    if df.empty:
        return None
    rows = df[(df["model"] == model) & (df["status"].astype(str) == "measured")]
    if connection is not None and "connection" in rows:
        rows = rows[rows["connection"] == connection]
    rows = rows[rows[THROUGHPUT].notna() & (rows[THROUGHPUT] > 0)]
    if rows.empty:
        return None
    return rows.groupby("concurrency")[THROUGHPUT].mean().sort_index()


def article_curves(df):
    """[(thread model, fork model, thread curve, fork curve)] of the article's 2x2 in this run (close)."""
    out = []
    for t, f in ARTICLE_PAIRS:
        ct, cf = server_curve(df, t, ARTICLE_CONNECTION), server_curve(df, f, ARTICLE_CONNECTION)
        if ct is not None and cf is not None:
            out.append((t, f, ct, cf))
    return out


def _peak_text(model, c):
    peak_at = c.idxmax()
    high = c[c.index >= 500]
    frac = float(high.iloc[0] / c.max()) if not high.empty else None
    return (f"{model}: peak {c.max():.0f} req/s at {peak_at:g} clients"
            + (f", at {high.index[0]:g} clients {frac:.0%} of peak" if frac is not None else ""))


@claim("thread-mode-peak")
def thread_peak(ev):
    pairs = article_curves(ev.servers)
    model = pairs[0][0] if pairs else THREAD_MODEL
    c = pairs[0][2] if pairs else server_curve(ev.servers, THREAD_MODEL)
    if c is None or len(c) < 3:
        return Verdict("thread-mode-peak", NOT, detail=f"no model {THREAD_MODEL!r} in servers.json "
                       f"(suite servers {status_text(ev.run.suite_status('servers'))})")
    peak_at = c.idxmax()
    high = c[c.index >= 500]
    frac = float(high.iloc[0] / c.max()) if not high.empty else None
    early = peak_at <= 10
    degrades = frac is not None and frac < 0.7
    verdict = HOLDS if early and degrades else PARTLY if early or degrades else FAILS
    others = "; ".join(_peak_text(t, ct) for t, _, ct, _ in pairs[1:])
    return Verdict("thread-mode-peak", verdict, float(peak_at), float("nan"), "clients at peak",
                   f"{model}{' (Connection: close, mean of repetitions)' if pairs else ''}: "
                   f"peak {c.max():.0f} req/s at {peak_at:g} clients (points: {', '.join(f'{x:g}' for x in c.index)})" +
                   (f"; at {high.index[0]:g} clients {frac:.0%} of peak" if frac is not None else "; no point >= 500") +
                   (f"; {others}" if others else ""))


def _ratio_text(tm, fm, t, f):
    common = t.index.intersection(f.index)
    if len(common) == 0:
        return f"{tm}/{fm}: no common point"
    r = (t[common] / f[common])
    return f"{tm}/{fm} median {float(r.median()):.1f}x ({float(r.min()):.1f}x to {float(r.max()):.1f}x)"


@claim("fork-10x-slower")
def fork_slower(ev):
    pairs = article_curves(ev.servers)
    if pairs:
        tm, fm, t, f = pairs[0]
        common = t.index.intersection(f.index)
        if len(common) > 0:
            ratios = (t[common] / f[common]).sort_values()
            r = float(ratios.median())
            verdict = HOLDS if r >= 5 else PARTLY if r >= 2 else FAILS
            return Verdict("fork-10x-slower", verdict, r, float("nan"), "x",
                           f"{tm}/{fm}, one request per connection as in the article, over {len(common)} concurrencies, "
                           f"{ratios.iloc[0]:.1f}x to {ratios.iloc[-1]:.1f}x (means of repetitions); "
                           + "; ".join(_ratio_text(a, b, x, y) for a, b, x, y in pairs[1:])
                           + " (the same two modes in C: what is left of the gap without the interpreter)")
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
