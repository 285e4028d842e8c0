"""Claim -> measurement -> verdict, shared by 00-claims.ipynb, the suite notebooks and the tests.

datasets/reference/claims.csv lists the claims (in our words, with the article's figure and the
rule for the verdict); this module holds one function per claim, registered under the claim's id.
Each function reads one run through `Evidence` and returns a `Verdict`: the measured value with its
error (JMH's 99.9% half-width, propagated through differences and ratios), a verdict, and a line
saying what was measured. A claim whose suite or benchmark is missing from the run is
"not measured in this run", with the pattern that found nothing, never an exception.

WIRING below is the only place that names benchmarks: a regex searched in the benchmark's full
name (io.contextlab.<suite>.<Class>.<method>) per logical measurement, and the JMH parameter or
secondary-metric spellings each one accepts. When a suite renames a benchmark, change it here.
"""
import math
import re

import contextlab as lab

HOLDS, FAILS, PARTLY, NOT = "holds", "does not hold", "partly", lab.NOT_MEASURED
VERDICTS = (HOLDS, PARTLY, FAILS, NOT)

# Logical measurement -> regex over the full benchmark name (case-insensitive).
WIRING = {
    # syscalls suite
    "java_call": r"syscalls\.JavaCalls\.nonInlinedCall$|switches\..*(directCall|nonInlinedCall|staticCall)$",
    "c_call": r"syscalls\.SyscallLoops\.outOfLineCall$",
    "c_empty_loop": r"syscalls\.SyscallLoops\.baselineEmptyLoop$",
    "getppid": r"syscalls\.SyscallLoops\.getppid$",
    # switches suite: one-way switch per rung (round trips / 2)
    "asm_switch": r"switches\..*(asm|assembly)",
    "setjmp_switch": r"switches\..*(setjmp|longjmp)",
    "ucontext_switch": r"switches\..*(ucontext|swapcontext)",
    "protothread_switch": r"switches\..*(protothread|switchcase|switch_case)",
    "continuation_switch": r"switches\..*continuation",
    # stacks suite
    "pthread_stack": r"stacks\..*(pthread|native).*(stack|touch)|stacks\..*(stack|touch).*(pthread|native)",
    "vthread_footprint": r"stacks\..*virtual",
    "spawn_fork": r"stacks\..*fork",
    "spawn_pthread": r"stacks\..*pthread.*(create|spawn|join)|stacks\..*(create|spawn).*pthread",
    # epoll suite
    "epoll_ctl": r"epoll\..*(epollctl|ctl)",
    "epoll_wait": r"epoll\..*(epollwait|wait)",
    "poll": r"epoll\.\w+\.poll\w*$",
    "select": r"epoll\.(?!\w*Selector)\w+\.select\w*$",
    "herd": r"epoll\..*(herd|accept)",
    # sched suite (issue 6's run-queue experiment)
    "runqueue_handoff": r"sched\..*(runqueue|handoff)",
}

# Spellings accepted for each JMH parameter / secondary metric.
PARAMS = {
    "touched": ("touched", "touch", "touchBytes", "touchedBytes", "stackTouch", "bytes", "depthBytes"),
    "depth": ("depth", "frames", "stackDepth"),
    "n": ("n", "fds", "registered", "nfds", "N"),
    "ready": ("ready", "r", "readyCount", "R"),
    "waiters": ("waiters", "k", "K", "threads"),
    "m": ("m", "runnable", "M", "spinners", "load"),
    "trigger": ("trigger", "mode", "triggerMode", "edge"),
    "style": ("style", "waiting", "mode", "kind"),
}
METRICS = {
    "syscalls": r"syscall",
    "rss_per_thread": r"rss.*(per.?thread|/thread)|rss",
    "rss_retained": r"rss.*(retain|kept|held|after.?return|unwound|alive)",
    "heap_per_vthread": r"(heap|jol|bytes|footprint|size)",
    "events": r"events?(\.per|_per|/|$)|returned",
    "wakeups": r"wake",
}


class Verdict:
    def __init__(self, claim, verdict, measured=None, error=None, unit="", detail=""):
        self.claim, self.verdict, self.measured, self.error, self.unit, self.detail = \
            claim, verdict, measured, error, unit, detail

    def as_row(self):
        return {"id": self.claim, "verdict": self.verdict, "measured": self.measured,
                "error": self.error, "measured_unit": self.unit, "detail": self.detail}


class Evidence:
    """One run's DataFrames and the lookups the claim functions need."""

    def __init__(self, run):
        self.run = run
        self.results = lab.results([run])
        self.secondary = lab.secondary([run])
        self._servers = None

    @property
    def servers(self):
        if self._servers is None:
            self._servers = lab.servers([self.run])
        return self._servers

    def rows(self, what, df=None):
        df = self.results if df is None else df
        if df.empty:
            return df
        mask = matches(df["benchmark"], WIRING[what]) & ~matches(df["method"], "^baseline")
        return df[mask]

    def one(self, what):
        """(score, error, name) of the cheapest result for `what`, or None."""
        rows = self.rows(what)
        rows = rows[rows["unit"].str.contains("/op", regex=False)] if not rows.empty else rows
        if rows.empty:
            return None
        r = rows.sort_values("score").iloc[0]
        return float(r["score"]), _err(r["error"]), r["name"] + (f"[{r['params']}]" if r["params"] else "")

    def metric(self, what, metric_key, rows_df=None):
        """Secondary-metric rows for the benchmarks of `what` whose metric matches METRICS[metric_key]."""
        sec = self.rows(what, self.secondary)
        if sec.empty:
            return sec
        return sec[matches(sec["metric"], METRICS[metric_key])]

    def missing(self, claim, suite, what):
        status = self.run.suite_status(suite)
        why = (f"suite {suite} not in this run" if status == "absent" else f"suite {suite} {status}") if status != "measured" else f"no benchmark matching /{WIRING.get(what, what)}/"
        return Verdict(claim, NOT, detail=why)


def matches(series, pattern):
    """Boolean mask: the regex is found in each value (case-insensitive)."""
    rx = re.compile(pattern, re.IGNORECASE)
    return series.astype(str).map(lambda s: bool(rx.search(s))).astype(bool)


def _err(e):
    e = float(e) if e is not None else float("nan")
    return e if math.isfinite(e) else float("nan")


def _diff_err(*errs):
    return math.sqrt(sum(e * e for e in errs if e == e)) if any(e == e for e in errs) else float("nan")


def _ratio(a, ea, b, eb):
    r = a / b
    rel = _diff_err(ea / a if a else float("nan"), eb / b if b else float("nan"))
    return r, r * rel if rel == rel else float("nan")


def col(df, key):
    return lab.param_column(df, *PARAMS[key])


REGISTRY = {}


def claim(claim_id):
    def register(fn):
        REGISTRY[claim_id] = fn
        return fn
    return register


# --- syscalls -----------------------------------------------------------------------------------

@claim("call-2ns")
def call_2ns(ev):
    java = ev.one("java_call")
    if java is None:
        return ev.missing("call-2ns", "syscalls", "java_call")
    v, e, name = java
    c = ev.one("c_call")
    extra = f"; C out-of-line call {c[0]:.2f} ns" if c else ""
    ratio = v / 2.0
    verdict = HOLDS if 0.25 <= ratio <= 2 else PARTLY if ratio <= 5 else FAILS
    return Verdict("call-2ns", verdict, v, e, "ns", f"{name}{extra}")


@claim("kernel-entry-10-cycles")
def kernel_entry(ev):
    g, base = ev.one("getppid"), ev.one("c_empty_loop")
    if g is None:
        return ev.missing("kernel-entry-10-cycles", "syscalls", "getppid")
    ns, err = g[0] - (base[0] if base else 0.0), _diff_err(g[1], base[1] if base else float("nan"))
    ghz = ev.run.cpu_ghz()
    if ghz is None:
        return Verdict("kernel-entry-10-cycles", PARTLY, ns, err, "ns",
                       "CPU clock unknown (no '@ x GHz' in the CPU model): cycles not computed")
    cycles, cerr = ns * ghz, err * ghz
    verdict = HOLDS if cycles <= 20 else PARTLY if cycles <= 100 else FAILS
    return Verdict("kernel-entry-10-cycles", verdict, cycles, cerr, "cycles",
                   f"getppid {g[0]:.1f} ns minus empty loop, x {ghz} GHz nominal; includes the run's "
                   f"mitigations ({len(ev.run.meta.get('warnings', []))} environment warnings)")


# --- switches -----------------------------------------------------------------------------------

STACKFUL = ("asm_switch", "setjmp_switch", "ucontext_switch", "continuation_switch")


@claim("coroutine-switch-50ns")
def coroutine_switch(ev):
    found = [(k, ev.one(k)) for k in STACKFUL]
    found = [(k, f) for k, f in found if f]
    if not found:
        return ev.missing("coroutine-switch-50ns", "switches", "asm_switch")
    k, (v, e, name) = min(found, key=lambda kf: kf[1][0])
    verdict = HOLDS if v >= 40 else FAILS if v < 25 else PARTLY
    others = ", ".join(f"{f[2]} {f[0]:.1f}" for _, f in found)
    return Verdict("coroutine-switch-50ns", verdict, v, e, "ns/switch", f"cheapest: {name}; all: {others}")


def _syscalls_per_switch(ev, what):
    m = ev.metric(what, "syscalls")
    if m.empty:
        return None
    r = m.sort_values("score").iloc[-1]
    return float(r["score"]), _err(r["error"]), f"{r['name']} {r['metric']}"


@claim("swapcontext-enters-kernel")
def swapcontext(ev):
    count = _syscalls_per_switch(ev, "ucontext_switch")
    if count:
        v, e, name = count
        verdict = HOLDS if v >= 0.9 else FAILS if v < 0.1 else PARTLY
        return Verdict("swapcontext-enters-kernel", verdict, v, e, "syscalls/switch", name)
    t, g = ev.one("ucontext_switch"), ev.one("getppid")
    if t is None:
        return ev.missing("swapcontext-enters-kernel", "switches", "ucontext_switch")
    if g is None:
        return Verdict("swapcontext-enters-kernel", NOT, t[0], t[1], "ns/switch",
                       "no syscall count and no getppid to compare the time with")
    return Verdict("swapcontext-enters-kernel", PARTLY if t[0] >= g[0] else FAILS, t[0], t[1], "ns/switch",
                   f"no syscall count recorded; time vs getppid {g[0]:.1f} ns")


@claim("setjmp-no-syscall")
def setjmp(ev):
    count = _syscalls_per_switch(ev, "setjmp_switch")
    if count:
        v, e, name = count
        return Verdict("setjmp-no-syscall", HOLDS if v < 0.1 else FAILS, v, e, "syscalls/switch", name)
    t, g = ev.one("setjmp_switch"), ev.one("getppid")
    if t is None:
        return ev.missing("setjmp-no-syscall", "switches", "setjmp_switch")
    if g is None:
        return Verdict("setjmp-no-syscall", NOT, t[0], t[1], "ns/switch", "no syscall count and no getppid")
    return Verdict("setjmp-no-syscall", HOLDS if t[0] < 0.5 * g[0] else FAILS, t[0], t[1], "ns/switch",
                   f"{t[2]} vs getppid {g[0]:.1f} ns (no syscall count recorded)")


@claim("c-coroutine-ranking")
def ranking(ev):
    p, s, u = ev.one("protothread_switch"), ev.one("setjmp_switch"), ev.one("ucontext_switch")
    if u is None or (p is None and s is None):
        return ev.missing("c-coroutine-ranking", "switches", "ucontext_switch" if u is None else "setjmp_switch")
    if p is not None and s is not None:
        order = p[0] < s[0] < u[0]
        verdict = HOLDS if order else PARTLY if u[0] > max(p[0], s[0]) else FAILS
        detail = f"protothread {p[0]:.2f} < setjmp {s[0]:.2f} < ucontext {u[0]:.2f} ns"
    else:
        lighter = p or s
        verdict = PARTLY if lighter[0] < u[0] else FAILS
        detail = f"{lighter[2]} {lighter[0]:.2f} vs ucontext {u[0]:.2f} ns (one rung missing)"
    return Verdict("c-coroutine-ranking", verdict, u[0] / (s or p)[0], float("nan"), "x (ucontext/lighter)", detail)


# --- stacks -------------------------------------------------------------------------------------

EIGHT_MB = 8 * 1024 * 1024


def _bytes(value, unit):
    unit = (unit or "").lower()
    scale = 1024 if unit.startswith("kb") or unit.startswith("kib") else 1024 ** 2 if unit.startswith(("mb", "mib")) else 1
    return value * scale


@claim("stack-demand-paged")
def demand_paged(ev):
    m = ev.metric("pthread_stack", "rss_per_thread")
    tcol = col(m, "touched") if not m.empty else None
    if m.empty or tcol is None:
        return ev.missing("stack-demand-paged", "stacks", "pthread_stack")
    m = m.assign(rss=[_bytes(s, u) for s, u in zip(m["score"], m["unit"])]).groupby(tcol)["rss"].median()
    small, large = m.iloc[0], m.iloc[-1]
    grows = len(m) > 1 and (large - small) >= 0.5 * (m.index[-1] - m.index[0])
    reserved_only = small < 0.25 * EIGHT_MB
    verdict = HOLDS if grows and reserved_only else PARTLY if grows or reserved_only else FAILS
    return Verdict("stack-demand-paged", verdict, small, float("nan"), "bytes/thread",
                   f"RSS per thread {small / 1024:.0f} KiB at {m.index[0]} touched, {large / 1024:.0f} KiB at {m.index[-1]}")


@claim("stack-not-returned")
def not_returned(ev):
    m = ev.metric("pthread_stack", "rss_retained")
    tcol = col(m, "touched") if not m.empty else None
    if m.empty or tcol is None:
        return ev.missing("stack-not-returned", "stacks", "pthread_stack")
    big = m[m[tcol] == m[tcol].max()]
    held = _bytes(float(big["score"].median()), big["unit"].iloc[0])
    frac = held / float(m[tcol].max())
    verdict = HOLDS if frac >= 0.8 else FAILS if frac < 0.2 else PARTLY
    return Verdict("stack-not-returned", verdict, frac, float("nan"), "held/touched",
                   f"{held / 1024:.0f} KiB still resident of {m[tcol].max() / 1024:.0f} KiB touched ({big['metric'].iloc[0]})")


@claim("vthread-many-coroutines")
def many_coroutines(ev):
    m = ev.metric("vthread_footprint", "heap_per_vthread")
    if m.empty:
        return ev.missing("vthread-many-coroutines", "stacks", "vthread_footprint")
    dcol = col(m, "depth")
    if dcol:
        m = m[m[dcol] == m[dcol].min()]
    r = m.sort_values("score").iloc[0]
    b = _bytes(float(r["score"]), r["unit"])
    verdict = HOLDS if b < 10 * 1024 else PARTLY if b < 100 * 1024 else FAILS
    return Verdict("vthread-many-coroutines", verdict, b, _bytes(_err(r["error"]), r["unit"]), "bytes/virtual thread",
                   f"{r['name']} {r['metric']}: 100,000 of them = {b * 1e5 / 2**20:.0f} MiB")


@claim("process-spawn-costly")
def spawn(ev):
    f, t = ev.one("spawn_fork"), ev.one("spawn_pthread")
    if f is None or t is None:
        return ev.missing("process-spawn-costly", "stacks", "spawn_fork" if f is None else "spawn_pthread")
    r, e = _ratio(f[0], f[1], t[0], t[1])
    verdict = HOLDS if r >= 5 else PARTLY if r >= 2 else FAILS
    return Verdict("process-spawn-costly", verdict, r, e, "x", f"{f[2]} {f[0]:.0f} ns vs {t[2]} {t[0]:.0f} ns")


# --- epoll --------------------------------------------------------------------------------------

def _curve(rows, xkey):
    """(x column, median score per x) for rows, or (None, None)."""
    if rows.empty:
        return None, None
    xc = col(rows, xkey)
    if xc is None:
        return None, None
    return xc, rows.groupby(xc)["score"].median().sort_index()


@claim("epoll-ctl-log-n")
def epoll_ctl(ev):
    xc, c = _curve(ev.rows("epoll_ctl"), "n")
    if c is None or len(c) < 2:
        return ev.missing("epoll-ctl-log-n", "epoll", "epoll_ctl")
    fit = lab.fit_loglog(c.index, c.values)
    growth = c.iloc[-1] / c.iloc[0]
    s = fit["slope"]
    verdict = FAILS if s >= 0.5 else HOLDS if growth > 1.1 and s < 0.3 else PARTLY
    return Verdict("epoll-ctl-log-n", verdict, s, float("nan"), "log-log slope",
                   f"{c.iloc[0]:.0f} ns at n={c.index[0]:g} -> {c.iloc[-1]:.0f} ns at n={c.index[-1]:g} (x{growth:.2f}); "
                   "O(log n) shows as a small positive slope")


@claim("epoll-wait-ready")
def epoll_wait(ev):
    rows = ev.rows("epoll_wait")
    xr, by_ready = _curve(rows, "ready")
    if by_ready is None or len(by_ready) < 2:
        return ev.missing("epoll-wait-ready", "epoll", "epoll_wait")
    s_ready = lab.fit_loglog(by_ready.index, by_ready.values)["slope"]
    xn = col(rows, "n")
    s_n = None
    if xn is not None:
        fixed = rows[rows[xr] == rows[xr].min()]
        by_n = fixed.groupby(xn)["score"].median()
        if len(by_n) >= 2:
            s_n = lab.fit_loglog(by_n.index, by_n.values)["slope"]
    ok_ready = s_ready >= 0.5
    ok_n = s_n is not None and abs(s_n) < 0.2
    verdict = HOLDS if ok_ready and ok_n else PARTLY if ok_ready or ok_n else FAILS
    detail = f"slope vs ready {s_ready:.2f}" + (f", vs registered n at fixed ready {s_n:.2f}" if s_n is not None
                                               else ", no sweep over n at fixed ready")
    return Verdict("epoll-wait-ready", verdict, s_ready, float("nan"), "log-log slope vs ready", detail)


def _is_edge(rows):
    tc = col(rows, "trigger")
    text = rows[tc] if tc else rows["method"]
    return matches(text, r"edge|^et$|_et\b") | text.astype(str).str.contains(r"(?:ET|Et)$", regex=True)


def _is_level(rows):
    tc = col(rows, "trigger")
    text = rows[tc] if tc else rows["method"]
    return matches(text, r"level|^lt$|_lt\b") | text.astype(str).str.contains(r"(?:LT|Lt)$", regex=True)


@claim("epoll-et-fewer")
def et_fewer(ev):
    m = ev.metric("epoll_wait", "events")
    basis, unit = m, "events ET/LT"
    if m.empty:
        basis, unit = ev.rows("epoll_wait"), "time ET/LT"
    if basis.empty:
        return ev.missing("epoll-et-fewer", "epoll", "epoll_wait")
    et, lt = basis[_is_edge(basis)], basis[_is_level(basis)]
    if et.empty or lt.empty:
        return Verdict("epoll-et-fewer", NOT, detail="epoll_wait results do not distinguish edge and level triggering")
    r = float(et["score"].median()) / float(lt["score"].median())
    verdict = HOLDS if r < 0.5 else PARTLY if r < 1 else FAILS
    return Verdict("epoll-et-fewer", verdict, r, float("nan"), unit, f"median over the matching points ({len(et)} ET, {len(lt)} LT)")


@claim("poll-select-scan")
def poll_scan(ev):
    xc, c = _curve(ev.rows("poll"), "n")
    if c is None or len(c) < 2:
        xc, c = _curve(ev.rows("select"), "n")
    if c is None or len(c) < 2:
        return ev.missing("poll-select-scan", "epoll", "poll")
    s = lab.fit_loglog(c.index, c.values)["slope"]
    verdict = HOLDS if s >= 0.7 else PARTLY if s >= 0.3 else FAILS
    return Verdict("poll-select-scan", verdict, s, float("nan"), "log-log slope",
                   f"{c.iloc[0]:.0f} ns at n={c.index[0]:g} -> {c.iloc[-1]:.0f} ns at n={c.index[-1]:g}")


@claim("accept-wakes-one")
def accept_one(ev):
    m = ev.metric("herd", "wakeups")
    if m.empty:
        return ev.missing("accept-wakes-one", "epoll", "herd")
    sc = col(m, "style")
    text = m[sc].astype(str) if sc else m["method"]
    blocking = m[matches(text, r"accept|blocking") & ~matches(text, r"epoll|reuse")]
    if blocking.empty:
        return Verdict("accept-wakes-one", NOT, detail="herd results without a blocking-accept style")
    wc = col(blocking, "waiters")
    if wc:
        blocking = blocking[blocking[wc] == blocking[wc].max()]
    k = float(blocking[wc].max()) if wc else float("nan")
    r = blocking.sort_values("score").iloc[-1]
    v = float(r["score"])
    verdict = HOLDS if v <= 1.2 else FAILS if k == k and v >= k / 2 else PARTLY
    return Verdict("accept-wakes-one", verdict, v, _err(r["error"]), "wakeups/connection",
                   f"{r['name']} [{r['params']}] {r['metric']}")


# --- sched --------------------------------------------------------------------------------------

@claim("cfs-log-m")
def cfs_log_m(ev):
    xc, c = _curve(ev.rows("runqueue_handoff"), "m")
    if c is None or len(c) < 3:
        return ev.missing("cfs-log-m", "sched", "runqueue_handoff")
    fit = lab.fit_log(c.index, c.values)
    growth = c.iloc[-1] / c.iloc[0]
    if growth <= 1.1 or fit["b_per_doubling"] <= 0:
        verdict = FAILS
    else:
        verdict = HOLDS if fit["rss_log"] < fit["rss_linear"] else PARTLY
    return Verdict("cfs-log-m", verdict, fit["b_per_doubling"], float("nan"), "ns per doubling of m",
                   f"{c.iloc[0]:.0f} ns at m={c.index[0]:g} -> {c.iloc[-1]:.0f} ns at m={c.index[-1]:g}; "
                   f"log fit RSS {fit['rss_log']:.3g} vs linear {fit['rss_linear']:.3g}")


# --- servers ------------------------------------------------------------------------------------

def server_curve(df, model_regex):
    """requests/s by concurrency for the models matching model_regex (best model if several)."""
    if df.empty or "model" not in df or "requests_per_s" not in df:
        return None
    rows = df[matches(df["model"], model_regex)]
    rows = rows[rows["requests_per_s"].notna() & (rows["requests_per_s"] > 0)]
    if rows.empty:
        return None
    return rows.groupby("concurrency")["requests_per_s"].max().sort_index()


THREAD_MODEL = r"^(platform.?)?thread(.?per.?(connection|client))?$|thread.?per"
FORK_MODEL = r"^fork|fork.?per"


@claim("thread-mode-peak")
def thread_peak(ev):
    c = server_curve(ev.servers, THREAD_MODEL)
    if c is None or len(c) < 3:
        return Verdict("thread-mode-peak", NOT, detail="no thread-per-connection model in servers.json/.csv "
                       f"(suite servers {ev.run.suite_status('servers')})")
    peak_at = c.idxmax()
    high = c[c.index >= 500]
    frac = float(high.iloc[0] / c.max()) if not high.empty else None
    early = peak_at <= 10
    degrades = frac is not None and frac < 0.7
    verdict = HOLDS if early and degrades else PARTLY if early or degrades else FAILS
    return Verdict("thread-mode-peak", verdict, float(peak_at), float("nan"), "clients at peak",
                   f"peak {c.max():.0f} req/s at {peak_at:g} clients" +
                   (f"; at {high.index[0]:g} clients {frac:.0%} of peak" if frac is not None else "; no point >= 500"))


@claim("fork-10x-slower")
def fork_slower(ev):
    t, f = server_curve(ev.servers, THREAD_MODEL), server_curve(ev.servers, FORK_MODEL)
    if t is None or f is None:
        return Verdict("fork-10x-slower", NOT, detail="thread and fork models not both in servers.json/.csv "
                       f"(suite servers {ev.run.suite_status('servers')})")
    common = t.index.intersection(f.index)
    if len(common) == 0:
        return Verdict("fork-10x-slower", NOT, detail="no concurrency measured for both models")
    ratios = (t[common] / f[common]).sort_values()
    r = float(ratios.median())
    verdict = HOLDS if r >= 5 else PARTLY if r >= 2 else FAILS
    return Verdict("fork-10x-slower", verdict, r, float("nan"), "x",
                   f"thread/fork over {len(common)} concurrencies, {ratios.iloc[0]:.1f}x to {ratios.iloc[-1]:.1f}x")


# --- the table ----------------------------------------------------------------------------------

def evaluate(run):
    """One Verdict per claim in claims.csv for one run; an unexpected error becomes the verdict's detail."""
    ev = Evidence(run)
    out = []
    for cid in lab.reference("claims")["id"]:
        fn = REGISTRY.get(cid)
        if fn is None:
            out.append(Verdict(cid, NOT, detail="no rule in notebooks/claims.py"))
            continue
        try:
            out.append(fn(ev))
        except Exception as e:  # a malformed result must cost one row, not the table
            out.append(Verdict(cid, NOT, detail=f"could not evaluate: {type(e).__name__}: {e}"))
    return out


def table(runs=None):
    """claims.csv joined with the verdicts of each run: one row per (claim, run)."""
    pd = lab._pd()
    claims = lab.reference("claims")
    frames = []
    for run in lab._runs(runs):
        v = pd.DataFrame([x.as_row() for x in evaluate(run)])
        v.insert(0, "run", run.label)
        frames.append(claims.merge(v, on="id", how="left"))
    return pd.concat(frames, ignore_index=True) if frames else claims.assign(verdict=NOT)


def fmt_measured(value, error, unit):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    v = f"{value:.3g}"
    if error is not None and isinstance(error, float) and math.isfinite(error) and error > 0:
        v += f" ± {error:.2g}"
    return f"{v} {unit}".strip()
