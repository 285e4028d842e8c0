"""servers step: the article's experiment reproduced as a 2x2 (servers.json), ok requests per second.

The article measured one Python server in thread mode and in fork mode, one request per
connection. The claims are judged on the same experiment: the `py-thread` and `py-fork` models
(the standard library's http.server with ThreadingMixIn / ForkingMixIn) with `Connection: close`,
at the article's concurrency points (and 1,000 for the C1K claims). The same two modes in C
(`c-thread`, `c-fork`) are shown in each detail, not judged: they say what is the model and what
is the interpreter. Intervals: each point's repetitions (every point is measured >= 3 times, the
models in a shuffled order) resampled with replacement, per point and model independently."""
import numpy as np

from .core import NOT, BOOTSTRAP, Q, Verdict, claim, fmt_ci, status_text

THREAD_MODEL = "py-thread"   # the article's server was Python: its thread mode ...
FORK_MODEL = "py-fork"       # ... and its fork mode
C_THREAD_MODEL, C_FORK_MODEL = "c-thread", "c-fork"    # shown beside, not judged
THROUGHPUT = "ok_requests_per_s"
PER_REQUEST = "close"     # servers.json's `connection` of a point with one connection per request
ARTICLE_POINTS = (1, 2, 3, 4, 10, 50, 100, 200, 500)
C1K = 1000


def server_curve(df, model, connection=None):
    """Mean ok requests/s over repetitions by concurrency of one model's measured points (of one
    connection mode when given), or None."""
    reps = repetitions(df, model, connection)
    if not reps:
        return None
    import pandas as pd
    return pd.Series({c: float(np.mean(v)) for c, v in reps.items()}).sort_index()


def repetitions(df, model, connection=None):
    """{concurrency: [ok requests/s of each measured repetition]} of one model, or {}."""
    if df is None or df.empty:
        return {}
    rows = df[(df["model"] == model) & (df["status"].astype(str) == "measured")]
    if connection and "connection" in rows:
        rows = rows[rows["connection"].astype(str) == connection]
    rows = rows[rows[THROUGHPUT].notna()]
    return {int(c): [float(x) for x in g[THROUGHPUT]] for c, g in rows.groupby("concurrency")}


def rep_q(values, rng, name=""):
    """The mean of a point's repetitions as a Q: repetitions drawn with replacement."""
    v = np.asarray(values, float)
    idx = rng.integers(0, len(v), size=(BOOTSTRAP, len(v)))
    return Q(v.mean(), v[idx].mean(axis=1), name)


def _absent(ev, cid, what, why=""):
    return Verdict(cid, NOT, detail=f"{what} not in servers.json (suite servers "
                   f"{status_text(ev.run.suite_status('servers'))}){why}")


C1K_WHY = ("; the quick run takes only the thread models to 1,000 clients (py-fork works off 1,000 queued "
           "connections at some 30 requests/s: it does not fit the step's time), `lab servers --full` measures the fork models there")


def _curve_q(ev, model, points=ARTICLE_POINTS):
    """{concurrency: Q} of a model's close points among `points`, or {}."""
    reps = repetitions(ev.servers, model, PER_REQUEST)
    return {c: rep_q(reps[c], ev.rng, f"{model}@{c}") for c in points if c in reps}


def _shown(ev, model, points=ARTICLE_POINTS):
    c = server_curve(ev.servers, model, PER_REQUEST)
    if c is None:
        return f"{model} not measured"
    return f"{model} " + ", ".join(f"{x:g}: {c[x]:.0f}" for x in c.index if x in points or x >= C1K) + " req/s"


@claim("thread-mode-peak")
def thread_peak(ev):
    qs = _curve_q(ev, THREAD_MODEL)
    if len(qs) < 2:
        return _absent(ev, "thread-mode-peak", f"Connection: close points of model {THREAD_MODEL!r}")
    cs = np.array(sorted(qs))
    means = np.array([qs[c].point for c in cs])
    draws = np.vstack([qs[c].draws for c in cs])
    at = Q(float(cs[means.argmax()]), cs[draws.argmax(axis=0)].astype(float))
    last = qs[cs[-1]] / Q(means.max(), draws.max(axis=0))
    return ev.verdict(at, "clients at peak",
                      f"{THREAD_MODEL} (Connection: close) peaks at {at.point:g} clients, interval of the peak's "
                      f"place {fmt_ci(at)}; at {cs[-1]:g} clients {fmt_ci(last, digits=2)} of the peak; "
                      f"{_shown(ev, THREAD_MODEL)}; in C: {_shown(ev, C_THREAD_MODEL)}")


@claim("fork-10x-slower")
def fork_slower(ev):
    t, f = _curve_q(ev, THREAD_MODEL), _curve_q(ev, FORK_MODEL)
    common = [c for c in ARTICLE_POINTS if c in t and c in f and t[c].point > 0 and f[c].point > 0]
    if not common:
        return _absent(ev, "fork-10x-slower", f"Connection: close points of both {THREAD_MODEL!r} and {FORK_MODEL!r}")
    # geometric mean over the article's points of thread / fork (each point's ratio resampled)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = [np.log((t[c] / f[c]).draws) for c in common]
        point = float(np.exp(np.mean([np.log(np.float64(t[c].point) / f[c].point) for c in common])))
        q = Q(point, np.exp(np.mean(np.vstack(logs), axis=0)))
    ct, cf = _curve_q(ev, C_THREAD_MODEL), _curve_q(ev, C_FORK_MODEL)
    cc = [c for c in ARTICLE_POINTS if c in ct and c in cf]
    c_text = "C not measured"
    if cc:
        with np.errstate(divide="ignore", invalid="ignore"):
            cq = Q(float(np.exp(np.mean([np.log(np.float64(ct[c].point) / cf[c].point) for c in cc]))),
                   np.exp(np.mean(np.vstack([np.log((ct[c] / cf[c]).draws) for c in cc]), axis=0)))
        c_text = f"c-thread / c-fork {fmt_ci(cq, 'x')} over {len(cc)} points"
    with np.errstate(divide="ignore", invalid="ignore"):
        each = ", ".join(f"{c:g}: {np.float64(t[c].point) / f[c].point:.1f}x" for c in common)
    return ev.verdict(q, "x (thread / fork)",
                      f"{THREAD_MODEL} / {FORK_MODEL}, Connection: close, geometric mean over {len(common)} of the "
                      f"article's points: {fmt_ci(q, 'x')}; {each}; {c_text}")


@claim("thread-mode-poor-1k")
def thread_poor_1k(ev):
    qs = _curve_q(ev, THREAD_MODEL, ARTICLE_POINTS + (C1K,))
    if C1K not in qs or len(qs) < 2:
        return _absent(ev, "thread-mode-poor-1k", f"Connection: close points of model {THREAD_MODEL!r} at "
                       f"{C1K} clients", C1K_WHY)
    cs = sorted(qs)
    peak = Q(max(qs[c].point for c in cs), np.vstack([qs[c].draws for c in cs]).max(axis=0))
    frac = qs[C1K] / peak
    ct = _curve_q(ev, C_THREAD_MODEL, ARTICLE_POINTS + (C1K,))
    c_text = "c-thread not measured at 1000"
    if C1K in ct:
        cpeak = Q(max(q.point for q in ct.values()), np.vstack([q.draws for q in ct.values()]).max(axis=0))
        c_text = f"c-thread at {C1K}: {fmt_ci(ct[C1K] / cpeak, digits=2)} of its peak"
    return ev.verdict(frac, "fraction of peak",
                      f"{THREAD_MODEL} (Connection: close) at {C1K} clients: {qs[C1K].point:.0f} req/s, "
                      f"{fmt_ci(frac, digits=2)} of its peak {peak.point:.0f} req/s; {c_text}")


@claim("fork-abandon-c1k")
def fork_c1k(ev):
    t, f = _curve_q(ev, THREAD_MODEL, (C1K,)), _curve_q(ev, FORK_MODEL, (C1K,))
    if C1K not in t or C1K not in f:
        return _absent(ev, "fork-abandon-c1k", f"Connection: close points of both {THREAD_MODEL!r} and "
                       f"{FORK_MODEL!r} at {C1K} clients", C1K_WHY)
    r = f[C1K] / t[C1K]
    ct, cf = _curve_q(ev, C_THREAD_MODEL, (C1K,)), _curve_q(ev, C_FORK_MODEL, (C1K,))
    c_text = (f"c-fork / c-thread {fmt_ci(cf[C1K] / ct[C1K], digits=2)}" if C1K in ct and C1K in cf
              else "C not measured at 1000")
    return ev.verdict(r, "x (fork / thread)",
                      f"{FORK_MODEL} / {THREAD_MODEL} at {C1K} clients (Connection: close): {fmt_ci(r, digits=2)} "
                      f"({f[C1K].point:.0f} against {t[C1K].point:.0f} req/s); {c_text}")
