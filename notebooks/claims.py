"""Claim -> measurement -> verdict, shared by 00-claims.ipynb, the suite notebooks and the tests.

datasets/reference/claims.csv lists the claims (in our words, with the article's figure and the
rule for the verdict); this module holds one function per claim, registered under the claim's id.
Each function reads one run through `Evidence` and returns a `Verdict`: the measured value with its
error (JMH's 99.9% half-width, propagated through differences and ratios), a verdict, and a line
saying what was measured. A claim whose suite or benchmark is missing from the run is
"not measured in this run", with the pattern that found nothing, never an exception.

WIRING below is where the claims and the notebooks name benchmarks: a regex searched in the full
benchmark name (io.contextlab.<suite>.<Class>.<method>) per logical measurement, and the JMH parameter or
secondary-metric spellings each one accepts. When a suite renames a benchmark, change it here.
"""
import math
import re

import contextlab as lab

HOLDS, FAILS, PARTLY, NOT = "holds", "does not hold", "partly", lab.NOT_MEASURED
VERDICTS = (HOLDS, PARTLY, FAILS, NOT)

# Logical measurement -> regex over the full benchmark name (case-insensitive). Names as the
# suites' branches wrote them on 2026-11-22 (issues 3-6); the alternatives after `|` are there for
# renames that keep the idea.
WIRING = {
    # syscalls suite
    "java_call": r"switches\.Calls\.directCall$|syscalls\.JavaCalls\.nonInlinedCall$",
    "c_call": r"syscalls\.SyscallLoops\.outOfLineCall$",
    "c_empty_loop": r"syscalls\.SyscallLoops\.baselineEmptyLoop$",
    "getppid": r"syscalls\.SyscallLoops\.getppid$",
    # switches suite: ns per one-way switch (round trips / 2)
    "asm_switch": r"switches\.NativeCoroutines\.asmSwitch$|switches\.\w+\.asm\w*$",
    "setjmp_switch": r"switches\.NativeCoroutines\.setjmpLongjmp$",
    "ucontext_switch": r"switches\.NativeCoroutines\.ucontextSwapcontext$|switches\.\w+\.\w*swapcontext$",
    "protothread_switch": r"switches\.NativeCoroutines\.switchCaseGenerator$|switches\.\w+\.\w*protothread\w*$",
    "continuation_switch": r"switches\.ContinuationYield\.runYield$",
    # stacks suite (secondary metrics from io.contextlab.stacks.FootprintProfiler)
    "pthread_stack": r"stacks\.PthreadStacks\.startTouchAndPark$",
    "vthread_footprint": r"stacks\.VirtualThreadFootprint\.",
    "spawn_fork": r"stacks\.SpawnCosts\.forkWait$",
    "spawn_pthread": r"stacks\.SpawnCosts\.pthreadCreateJoin$",
    # epoll suite
    "epoll_ctl": r"epoll\.EpollCtl\.addDel$",
    "epoll_wait": r"epoll\.EpollWaitLevel\.levelTriggered$",
    "epoll_wait_vs_n": r"epoll\.PollScan\.epollWait$",
    "epoll_et_no_new_edge": r"epoll\.EpollWaitEdge\.noNewEdge$",
    "poll": r"epoll\.PollScan\.poll$",
    "select": r"epoll\.SelectScan\.select$",
    "herd": r"epoll\.ThunderingHerd\.",
    # not claims, but plotted: the families the notebooks draw beside the claims' benchmarks
    "thread_stacks": r"stacks\.PthreadStacks\.startTouchAndPark$|stacks\.PlatformThreadStacks\.\w+$",
    "spawn_all": r"stacks\.SpawnCosts\.",
    "minor_faults": r"stacks\.MinorFaults\.",
    "epoll_ctl_all": r"epoll\.EpollCtl\.",
    "epoll_wait_all": r"epoll\.EpollWait\w*\.",
    "scan_all": r"epoll\.(PollScan|SelectScan)\.",
    "jdk_selector": r"epoll\.Selector\w*\.",
    # sched suite (issue 6's run-queue experiment, secondary metrics from EbpfProfiler: ebpf.*)
    "runqueue_handoff": r"sched\.RunQueueHandoff\.handoff$",
    # uring suite (issue 9): NOPs per io_uring_enter and under SQPOLL, small reads, file reads on
    # virtual threads (their secondary metrics carry the epoll EPERM and the carrier count)
    "uring_nop": r"uring\.NopBatching\.nopPerEnter$",
    "uring_sqpoll": r"uring\.NopBatching\.nopSqpoll$",
    "uring_getppid": r"uring\.NopBatching\.getppid$",
    "uring_nop_all": r"uring\.NopBatching\.",
    "uring_reads": r"uring\.SmallReads\.",
    "vthread_file_reads": r"uring\.VirtualThreadFileReads\.",
}

# Spellings accepted for each JMH parameter / secondary metric.
PARAMS = {
    "touched": ("touchBytes", "stackTouchBytes", "touched", "touch"),
    "depth": ("depth", "frames"),
    "n": ("n", "registered", "fds", "channels"),
    "ready": ("r", "ready"),
    "maxevents": ("maxevents",),
    "waiters": ("k", "waiters"),
    "m": ("background", "m", "runnable"),
    "style": ("style",),
    "cpus": ("cpus", "placement"),
    "source": ("source",),
}
METRICS = {  # regexes tried in order; the first that matches any row wins
    "syscalls": (r"^syscallsPerSwitch$", r"syscall"),
    "rss_per_thread": (r"^rssBytesPerThread$", r"^vmRssBytesPerThread$"),
    "rss_after_exit": (r"^rssBytesRetainedPerThread$",),
    "vmsize_per_thread": (r"^vmSizeBytesPerThread$",),
    "heap_per_vthread": (r"^bytesPerVirtualThread$", r"^heapBytesPerVirtualThread$"),
    "registered": (r"^registeredFds$",),
    "kernel_wakeups": (r"^kernelWakeups$", r"^wakeups$"),
    "connections": (r"^connections$",),
    "syscalls_per_op": (r"^syscallsPerOp$",),
    "carriers": (r"^carrierThreads$",),
    "parallelism": (r"^carrierParallelism$",),
    "epoll_file_errno": (r"^epollAddRegularFileErrno$",),
}


class Verdict:
    def __init__(self, claim, verdict, measured=None, error=None, unit="", detail=""):
        self.claim, self.verdict, self.measured, self.error, self.unit, self.detail = \
            claim, verdict, measured, error, unit, detail

    def as_row(self):
        return {"id": self.claim, "verdict": self.verdict, "measured": self.measured,
                "error": self.error, "measured_unit": self.unit, "detail": self.detail}


def own_suite(df):
    """Rows measured by their own suite: io.contextlab.<suite>.X run as suite <suite>. Steps such as
    the eBPF perturbation twins (suites ebpf-untraced, ebpf-traced) re-run a suite's benchmarks
    under other settings; they are compared in their notebook, not mixed into a claim."""
    if df.empty:
        return df
    return df[df["suite"] == df["benchmark"].str.split(".").str[2]]


class Evidence:
    """One run's DataFrames and the lookups the claim functions need."""

    def __init__(self, run):
        self.run = run
        self.results = own_suite(lab.results([run]))
        self.secondary = own_suite(lab.secondary([run]))
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
        mask = matches(df["benchmark"], WIRING[what])
        if "baseline" not in WIRING[what].lower():  # a rung's baseline is not the rung
            mask &= ~matches(df["method"], "^baseline")
        return df[mask]

    def one(self, what):
        """(score, error, name) of the cheapest result for `what`, or None."""
        rows = self.rows(what)
        rows = rows[rows["unit"].str.contains("/op", regex=False)] if not rows.empty else rows
        if rows.empty:
            return None
        r = rows.sort_values("score").iloc[0]
        return float(r["score"]), _err(r["error"]), r["name"] + (f"[{r['params']}]" if r["params"] else "")

    def metric(self, what, metric_key):
        """Secondary-metric rows for the benchmarks of `what` whose metric matches METRICS[metric_key]."""
        sec = self.rows(what, self.secondary)
        if sec.empty:
            return sec
        for pattern in METRICS[metric_key]:
            hit = sec[matches(sec["metric"], pattern)]
            if not hit.empty:
                return hit
        return sec.iloc[0:0]

    def missing(self, claim, suite, what):
        status = self.run.suite_status(suite)
        why = (f"suite {suite} {status_text(status)}") if status != "measured" else f"no benchmark matching /{WIRING.get(what, what)}/"
        return Verdict(claim, NOT, detail=why)


def status_text(status):
    return "not in this run" if status == "absent" else status


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
    if verdict == HOLDS and e == e and v - e < 25:
        verdict = PARTLY  # the 99.9% interval reaches "does not hold": this run cannot tell
    others = ", ".join(f"{f[2]} {f[0]:.1f}" for _, f in found)
    return Verdict("coroutine-switch-50ns", verdict, v, e, "ns/switch", f"cheapest: {name}; all: {others}")


def _syscalls_per_switch(ev, what):
    m = ev.metric(what, "syscalls")
    if m.empty:
        return None
    r = m.iloc[0]
    v = r["per_iteration"] if r["per_iteration"] == r["per_iteration"] else r["score"]
    if not math.isfinite(v):
        return None  # NaN: the suite could not count syscalls on this machine
    return float(v), float("nan"), f"{r['name']} {r['metric']}"


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
        detail = f"protothread {p[0]:.2f}, setjmp {s[0]:.2f}, ucontext {u[0]:.2f} ns per switch"
    else:
        lighter = p or s
        verdict = PARTLY if lighter[0] < u[0] else FAILS
        detail = f"{lighter[2]} {lighter[0]:.2f} vs ucontext {u[0]:.2f} ns (one rung missing)"
    return Verdict("c-coroutine-ranking", verdict, u[0] / (s or p)[0], float("nan"), "x (ucontext / setjmp)", detail)


# --- stacks -------------------------------------------------------------------------------------

EIGHT_MB = 8 * 1024 * 1024


def _bytes(value, unit):
    unit = (unit or "").lower()
    scale = 1024 if unit.startswith(("kb", "kib")) else 1024 ** 2 if unit.startswith(("mb", "mib")) else 1
    return value * scale


def _by_touched(m):
    """Median bytes per thread by touched bytes (numeric rows only), or None."""
    tcol = col(m, "touched") if not m.empty else None
    if tcol is None:
        return None
    m = m.assign(x=numeric(m[tcol]), b=[_bytes(v, u) for v, u in zip(m["score"], m["unit"])]).dropna(subset=["x"])
    if m.empty:
        return None
    return m.groupby("x")["b"].median().sort_index()


@claim("stack-demand-paged")
def demand_paged(ev):
    rss = _by_touched(ev.metric("pthread_stack", "rss_per_thread"))
    if rss is None:
        return ev.missing("stack-demand-paged", "stacks", "pthread_stack")
    vm = _by_touched(ev.metric("pthread_stack", "vmsize_per_thread"))
    small, large = rss.iloc[0], rss.iloc[-1]
    grows = len(rss) > 1 and (large - small) >= 0.5 * (rss.index[-1] - rss.index[0])
    reserved_only = small < 0.25 * EIGHT_MB
    verdict = HOLDS if grows and reserved_only else PARTLY if grows or reserved_only else FAILS
    reserved = f"; address space {vm.median() / 2**20:.1f} MiB per thread" if vm is not None else ""
    return Verdict("stack-demand-paged", verdict, small / 1024, float("nan"), "KiB/thread",
                   f"RSS per thread {small / 1024:.0f} KiB touching {rss.index[0]:.0f} B, "
                   f"{large / 1024:.0f} KiB touching {rss.index[-1]:.0f} B{reserved}")


@claim("stack-not-returned")
def not_returned(ev):
    alive = _by_touched(ev.metric("pthread_stack", "rss_per_thread"))
    if alive is None:
        return ev.missing("stack-not-returned", "stacks", "pthread_stack")
    touched = alive.index[-1]
    if touched <= 0:
        return Verdict("stack-not-returned", NOT, detail="no touched depth > 0")
    base = alive.iloc[0] if alive.index[0] == 0 else 0.0   # a thread that touched nothing: its fixed cost
    held = (alive.iloc[-1] - base) / touched               # the touched frames returned before the thread parked
    after = _by_touched(ev.metric("pthread_stack", "rss_after_exit"))
    freed = None if after is None else after.iloc[-1] / touched
    held_ok = held >= 0.8
    verdict = (HOLDS if held_ok and (freed is None or freed < 0.5) else PARTLY) if held_ok else \
        (FAILS if held < 0.2 else PARTLY)
    detail = f"{held:.0%} of {touched / 1024:.0f} KiB touched still resident while the thread lives (frames returned)"
    if freed is not None:
        detail += f"; {freed:.0%} still resident after the threads exited"
        if freed >= 0.5:
            detail += " (kept even after exit: partly)"
    return Verdict("stack-not-returned", verdict, held, float("nan"), "resident/touched while alive", detail)


@claim("vthread-many-coroutines")
def many_coroutines(ev):
    m = ev.metric("vthread_footprint", "heap_per_vthread")
    if m.empty:
        return ev.missing("vthread-many-coroutines", "stacks", "vthread_footprint")
    dcol = col(m, "depth")
    if dcol:
        m = m[numeric(m[dcol]) == numeric(m[dcol]).min()]
    r = m.sort_values("score").iloc[0]
    b = _bytes(float(r["score"]), r["unit"])
    verdict = HOLDS if b < 10 * 1024 else PARTLY if b < 100 * 1024 else FAILS
    return Verdict("vthread-many-coroutines", verdict, b, _bytes(_err(r["error"]), r["unit"]), "bytes/virtual thread",
                   f"{r['name']} [{r['params']}] {r['metric']}: 100,000 of them = {b * 1e5 / 2**20:.0f} MiB")


@claim("process-spawn-costly")
def spawn(ev):
    f, t = ev.one("spawn_fork"), ev.one("spawn_pthread")
    if f is None or t is None:
        return ev.missing("process-spawn-costly", "stacks", "spawn_fork" if f is None else "spawn_pthread")
    r, e = _ratio(f[0], f[1], t[0], t[1])
    verdict = HOLDS if r >= 5 else PARTLY if r >= 2 else FAILS
    return Verdict("process-spawn-costly", verdict, r, e, "x", f"{f[2]} {f[0]:.0f} ns vs {t[2]} {t[0]:.0f} ns")


# --- epoll --------------------------------------------------------------------------------------

def coalesce(df, key):
    """The first non-null value among the spellings of parameter `key`, per row (numeric where possible)."""
    cols = ["p_" + n for n in PARAMS[key] if "p_" + n in df]
    if not cols:
        return lab._pd().Series(float("nan"), index=df.index)
    out = df[cols[0]]
    for c in cols[1:]:
        out = out.where(out.notna(), df[c])
    return out


def numeric(series):
    return lab._pd().to_numeric(series, errors="coerce")


def with_x(ev, rows, key, metric_for_words=None):
    """rows with a numeric column `x` from the parameter `key`. Words the suites use for "the
    largest": "all" (ready = n) and "max" (n = RLIMIT_NOFILE) resolve to numbers: "all" to the
    row's n, "max" to the secondary metric that records it (registeredFds) where there is one."""
    c = col(rows, key) if not rows.empty else None
    if c is None:
        return rows.iloc[0:0].assign(x=[])
    x = numeric(rows[c])
    words = rows[c].astype(str)
    ncol = col(rows, "n")
    if ncol and ncol != c:
        x = x.where(~(words == "all"), numeric(rows[ncol]))
    if metric_for_words:
        sec = ev.metric(metric_for_words[0], metric_for_words[1])
        if not sec.empty:
            resolved = sec.set_index("params")["per_iteration"]
            x = x.where(x.notna(), rows["params"].map(resolved))
    return rows.assign(x=x).dropna(subset=["x"])


def _median_curve(rows):
    return rows.groupby("x")["score"].median().sort_index() if not rows.empty else None


@claim("epoll-ctl-log-n")
def epoll_ctl(ev):
    c = _median_curve(with_x(ev, ev.rows("epoll_ctl"), "n", ("epoll_ctl", "registered")))
    if c is None or len(c) < 2:
        return ev.missing("epoll-ctl-log-n", "epoll", "epoll_ctl")
    fit = lab.fit_loglog(c.index, c.values)
    s = fit["slope"]
    growth = c.iloc[-1] / c.iloc[0]
    verdict = FAILS if s >= 0.5 else HOLDS if growth > 1.1 and s < 0.3 else PARTLY
    return Verdict("epoll-ctl-log-n", verdict, s, fit["slope_err"], "log-log slope",
                   f"ADD+DEL {c.iloc[0]:.0f} ns at n={c.index[0]:g} -> {c.iloc[-1]:.0f} ns at n={c.index[-1]:g} "
                   f"(x{growth:.2f}); O(log n) shows as a small positive slope, O(n) as 1")


def _all_events(rows):
    """epoll_wait rows whose maxevents lets every ready fd come back (maxevents=all), if recorded."""
    mc = col(rows, "maxevents")
    return rows[rows[mc].astype(str) == "all"] if mc and (rows[mc].astype(str) == "all").any() else rows


@claim("epoll-wait-ready")
def epoll_wait(ev):
    by_ready = _median_curve(with_x(ev, _all_events(ev.rows("epoll_wait")), "ready"))
    if by_ready is None or len(by_ready) < 2:
        return ev.missing("epoll-wait-ready", "epoll", "epoll_wait")
    fit_ready = lab.fit_loglog(by_ready.index, by_ready.values)
    s_ready = fit_ready["slope"]
    by_n = _median_curve(with_x(ev, ev.rows("epoll_wait_vs_n"), "n"))
    s_n = lab.fit_loglog(by_n.index, by_n.values)["slope"] if by_n is not None and len(by_n) >= 2 else None
    ok_ready = s_ready >= 0.5
    ok_n = s_n is not None and abs(s_n) < 0.2
    verdict = HOLDS if ok_ready and ok_n else PARTLY if ok_ready or ok_n else FAILS
    detail = f"slope against ready fds {s_ready:.2f} (level-triggered, maxevents=all)" + (
        f", against registered fds with one ready {s_n:.2f}" if s_n is not None else ", no sweep over registered fds")
    return Verdict("epoll-wait-ready", verdict, s_ready, fit_ready["slope_err"], "log-log slope vs ready", detail)


@claim("epoll-et-fewer")
def et_fewer(ev):
    et = with_x(ev, _all_events(ev.rows("epoll_et_no_new_edge")), "ready")
    lt = with_x(ev, _all_events(ev.rows("epoll_wait")), "ready")
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
    c, what = _median_curve(with_x(ev, ev.rows("poll"), "n")), "poll"
    if c is None or len(c) < 2:
        c, what = _median_curve(with_x(ev, ev.rows("select"), "n")), "select"
    if c is None or len(c) < 2:
        return ev.missing("poll-select-scan", "epoll", "poll")
    fit = lab.fit_loglog(c.index, c.values)
    s = fit["slope"]
    verdict = HOLDS if s >= 0.7 else PARTLY if s >= 0.3 else FAILS
    return Verdict("poll-select-scan", verdict, s, fit["slope_err"], "log-log slope",
                   f"{what} with one ready fd: {c.iloc[0]:.0f} ns at n={c.index[0]:g} -> {c.iloc[-1]:.0f} ns at n={c.index[-1]:g}")


def herd_table(ev):
    """Wake-ups per connection for each herd benchmark row: kernelWakeups / connections (JMH sums
    both over iterations, so the ratio is per connection), with style, waiters and cpus."""
    pd = lab._pd()
    wake, conn = ev.metric("herd", "kernel_wakeups"), ev.metric("herd", "connections")
    if wake.empty or conn.empty:
        return pd.DataFrame()
    t = wake.merge(conn[["params", "score"]], on="params", suffixes=("", "_connections"))
    t = t.assign(wakeups_per_connection=t["score"] / t["score_connections"])
    kc = col(t, "waiters")
    return t.assign(waiters=numeric(t[kc]) if kc else float("nan"))


@claim("accept-wakes-one")
def accept_one(ev):
    t = herd_table(ev)
    if t.empty:
        return ev.missing("accept-wakes-one", "epoll", "herd")
    sc = col(t, "style")
    blocking = t[t[sc].astype(str) == "accept"] if sc else t[matches(t["method"], "accept")]
    if blocking.empty:
        return Verdict("accept-wakes-one", NOT, detail="herd results without the blocking-accept style")
    k = blocking["waiters"].max()
    at_k = blocking[blocking["waiters"] == k] if k == k else blocking
    v = float(at_k["wakeups_per_connection"].max())
    verdict = HOLDS if v <= 1.2 else FAILS if k == k and v >= k / 2 else PARTLY
    shared = t[(t[sc].astype(str) == "sharedEpoll") & (t["waiters"] == k)] if sc else t.iloc[0:0]
    extra = f"; shared epoll fd: {shared['wakeups_per_connection'].max():.2f}" if not shared.empty else ""
    return Verdict("accept-wakes-one", verdict, v, float("nan"), "wakeups/connection",
                   f"blocking accept, {k:g} waiters, worst pinning ({at_k['metric'].iloc[0]} / connections){extra}")


# --- sched --------------------------------------------------------------------------------------

def runnable(rows, mcol):
    """m of the run-queue rows, from their parameter column mcol: a `background` count gets the
    handoff pair added (m = background runnable threads + the pair)."""
    return numeric(rows[mcol]) + (2 if mcol == "p_background" else 0)


def runqueue_curves(ev):
    """{(kind, placement): median handoff ns by m}, m = background runnable threads + the pair."""
    rows = ev.rows("runqueue_handoff")
    mc = col(rows, "m") if not rows.empty else None
    if mc is None:
        return {}
    rows = rows.assign(x=runnable(rows, mc)).dropna(subset=["x"])
    keys = [c for c in ("p_backgroundKind", "p_placement") if c in rows]
    if not keys:
        return {("all",): rows.groupby("x")["score"].median().sort_index()}
    return {k if isinstance(k, tuple) else (k,): d.groupby("x")["score"].median().sort_index()
            for k, d in rows.groupby(keys)}


@claim("cfs-log-m")
def cfs_log_m(ev):
    curves = {k: c for k, c in runqueue_curves(ev).items() if len(c) >= 3}
    if not curves:
        return ev.missing("cfs-log-m", "sched", "runqueue_handoff")
    # The claim is about the tree, not about waiting for spinners' time slices: prefer yielding
    # background threads on one CPU, where the queue is long but every task gives the CPU up.
    key = next((k for k in (("yield", "sameCpu"), ("yield", "twoCpus")) if k in curves), sorted(curves)[0])
    c = curves[key]
    fit = lab.fit_log(c.index, c.values)
    growth = c.iloc[-1] / c.iloc[0]
    if growth <= 1.1 or fit["b_per_doubling"] <= 0:
        verdict = FAILS
    else:
        verdict = HOLDS if fit["rss_log"] < fit["rss_linear"] else PARTLY
    return Verdict("cfs-log-m", verdict, fit["b_per_doubling"], fit["b_err"], "ns per doubling of m",
                   f"{'/'.join(key)}: {c.iloc[0]:.0f} ns at m={c.index[0]:g} -> {c.iloc[-1]:.0f} ns at m={c.index[-1]:g}; "
                   f"log fit residual {fit['rss_log']:.3g} vs linear {fit['rss_linear']:.3g}")


# --- servers ------------------------------------------------------------------------------------

def server_curve(df, model_regex):
    """ok requests/s (else requests/s) by concurrency for the models matching model_regex."""
    y = "ok_requests_per_s" if "ok_requests_per_s" in df else "requests_per_s"
    if df.empty or "model" not in df or y not in df:
        return None
    rows = df[matches(df["model"], model_regex)]
    if "status" in rows:
        rows = rows[rows["status"].isna() | (rows["status"].astype(str) == "measured")]
    rows = rows[rows[y].notna() & (rows[y] > 0)]
    if rows.empty:
        return None
    return rows.groupby("concurrency")[y].max().sort_index()


THREAD_MODEL = r"^thread$|thread.?per"
FORK_MODEL = r"^fork$|fork.?per"


@claim("thread-mode-peak")
def thread_peak(ev):
    c = server_curve(ev.servers, THREAD_MODEL)
    if c is None or len(c) < 3:
        return Verdict("thread-mode-peak", NOT, detail="no thread-per-connection model in servers.json "
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
        return Verdict("fork-10x-slower", NOT, detail="thread and fork models not both in servers.json "
                       f"(suite servers {status_text(ev.run.suite_status('servers'))})")
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


# --- uring --------------------------------------------------------------------------------------

EPERM = 1


def _metric_values(ev, what, key):
    """{benchmark method -> [(batch n or None, per-iteration value)]} of a secondary metric."""
    m = ev.metric(what, key)
    out = {}
    if m.empty:
        return out
    nc = col(m, "n")
    for _, r in m.iterrows():
        v = r["value"]
        if v == v:
            n = float(r[nc]) if nc and r[nc] == r[nc] else None
            out.setdefault(r["method"], []).append((n, float(v)))
    return out


@claim("readiness-vs-completion")
def readiness_vs_completion(ev):
    rows = ev.rows("uring_nop")
    nc = col(rows, "n") if not rows.empty else None
    if rows.empty or nc is None:
        return ev.missing("readiness-vs-completion", "uring", "uring_nop")
    rows = rows.assign(batch=numeric(rows[nc])).dropna(subset=["batch"])
    top = rows[rows["batch"] == rows["batch"].max()].sort_values("score").iloc[0]
    n = float(top["batch"])
    calls = [v for b, v in _metric_values(ev, "uring_nop", "syscalls_per_op").get("nopPerEnter", []) if b == n]
    g = ev.one("uring_getppid") or ev.one("getppid")
    per_op = calls[0] if calls else None
    extras = []
    sq = _metric_values(ev, "uring_sqpoll", "syscalls_per_op").get("nopSqpoll", [])
    if sq:
        extras.append(f"SQPOLL: {max(v for _, v in sq):.3g} syscalls/op")
    reads = ev.rows("uring_reads")
    sc = col(reads, "source") if not reads.empty else None
    if sc:
        f = reads[reads[sc].astype(str) == "file"].set_index("method")["score"]
        if {"read", "uringBatched"} <= set(f.index):
            extras.append(f"4 KiB page-cache reads, batched io_uring / read(): {f['uringBatched'] / f['read']:.2f}")
    where = f"{top['name']}[n={n:g}]: {top['score']:.1f} ns/op"
    if g is not None:
        where += f" vs getppid {g[0]:.1f} ns"
    detail = "; ".join([where] + extras)
    if per_op is None:
        return Verdict("readiness-vs-completion", NOT, top["score"], _err(top["error"]), "ns/op",
                       detail + "; no syscall count recorded (syscallsPerOp)")
    cheaper = g is not None and top["score"] < g[0]
    verdict = FAILS if per_op >= 1 else HOLDS if per_op <= 1.5 / n and cheaper else PARTLY
    return Verdict("readiness-vs-completion", verdict, per_op, float("nan"), "syscalls/op", detail)


@claim("epoll-no-regular-files")
def epoll_no_regular_files(ev):
    errnos = [v for vs in _metric_values(ev, "vthread_file_reads", "epoll_file_errno").values() for _, v in vs]
    if not errnos:
        return ev.missing("epoll-no-regular-files", "uring", "vthread_file_reads")
    errno = errnos[0]
    carriers = {m: max(v for _, v in vs) for m, vs in _metric_values(ev, "vthread_file_reads", "carriers").items()}
    parallelism = [v for vs in _metric_values(ev, "vthread_file_reads", "parallelism").values() for _, v in vs]
    p = max(parallelism) if parallelism else None
    grew = [m for m, c in carriers.items() if m.startswith("file") and p is not None and c > p]
    detail = (f"epoll_ctl(ADD) of a regular file: {'EPERM' if errno == EPERM else 'accepted' if errno == 0 else f'errno {errno:g}'}; "
              + ", ".join(f"{m} {c:g}" for m, c in sorted(carriers.items()))
              + (f" carriers (parallelism {p:g})" if p is not None else " carriers"))
    if errno == 0:
        verdict = FAILS
    elif errno == EPERM:
        verdict = HOLDS if grew else PARTLY
    else:
        verdict = PARTLY
    return Verdict("epoll-no-regular-files", verdict, errno, float("nan"), "errno (1 = EPERM)", detail)


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
            v = fn(ev)
            if v.measured is not None and v.error is not None and math.isfinite(v.error) and v.measured \
                    and v.error > 0.5 * abs(v.measured) and "slope" not in v.unit:
                v.detail += f"; noisy: the 99.9% error is {v.error / abs(v.measured):.0%} of the value"
            out.append(v)
        except Exception as e:  # a malformed result must cost one row, not the table
            out.append(Verdict(cid, NOT, detail=f"could not evaluate: {type(e).__name__}: {e}"))
    return out


def table(runs=None):
    """claims.csv joined with the verdicts of each run: one row per (claim, run)."""
    pd = lab._pd()
    claims = lab.reference("claims")
    frames = []
    for run in lab.load(runs):
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
