"""The one place that knows ContextLab's on-disk format (datasets/README.md describes it).

    python3 notebooks/contextlab.py summary RUN_DIR     # the table `lab run` ends with
    python3 notebooks/contextlab.py runs                # the run directories, newest last

A run directory holds jmh.json (JMH's JSON, each result tagged with its suite), metadata.json
(written by scripts/doctor.py), crosscheck.jsonl (outside references: independent C loops,
perf bench), files that `lab run` steps write (servers.json/.csv) and the log. The summary part
uses the standard library only, so `lab run` can print it before the notebook stack is
installed; the notebook part (`load`, `results`, `secondary`, ...) imports pandas when called.

In a notebook:

    import contextlab as lab
    runs = lab.load()                     # the newest run, or $CONTEXTLAB_RUNS, or lab.load([dir, ...])
    df = lab.results(runs)                # one row per benchmark x params x run
    sec = lab.secondary(runs)             # one row per secondary metric (gc.alloc.rate.norm, rss, ...)
"""
import json
import math
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS = os.path.join(REPO, "datasets", "runs")


def run_dirs(root=RUNS):
    """Complete run directories under root, oldest first (their names start with a UTC stamp)."""
    if not os.path.isdir(root):
        return []
    names = sorted(n for n in os.listdir(root) if not n.startswith(".")
                   and os.path.isfile(os.path.join(root, n, "metadata.json")))
    return [os.path.join(root, n) for n in names]


def newest_run(root=RUNS):
    dirs = run_dirs(root)
    if not dirs:
        raise FileNotFoundError(f"no run under {root}: run scripts/lab run first")
    return dirs[-1]


def read_metadata(run_dir):
    with open(os.path.join(run_dir, "metadata.json")) as f:
        return json.load(f)


def read_jmh(run_dir):
    path = os.path.join(run_dir, "jmh.json")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return json.load(f)


def read_crosschecks(run_dir):
    path = os.path.join(run_dir, "crosscheck.jsonl")
    out = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    out.append(json.loads(line))
    return out


def short_name(benchmark):
    """io.contextlab.syscalls.SyscallLoops.getppid -> SyscallLoops.getppid"""
    parts = benchmark.split(".")
    return ".".join(parts[-2:])


def params_text(params):
    return ",".join(f"{k}={v}" for k, v in (params or {}).items())


def fmt(x):
    if isinstance(x, str):  # JMH writes "NaN" for the error of a single iteration
        return x
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "NaN"
    return f"{x:.3f}" if abs(x) < 1000 else f"{x:.0f}"


def summary(run_dir, out=sys.stdout):
    meta = read_metadata(run_dir)
    results = read_jmh(run_dir)
    rows = []
    for r in results:
        pm = r["primaryMetric"]
        rows.append((r.get("suite", ""), short_name(r["benchmark"]), params_text(r.get("params")),
                     fmt(pm["score"]), fmt(pm.get("scoreError")), pm["scoreUnit"]))
    header = ("suite", "benchmark", "params", "score", "± error", "unit")
    widths = [max(len(str(row[i])) for row in rows + [header]) for i in range(len(header))]
    line = lambda row: "  ".join(str(c).rjust(w) if i in (3, 4) else str(c).ljust(w)
                                 for i, (c, w) in enumerate(zip(row, widths)))
    print(line(header), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for row in rows:
        print(line(row), file=out)

    checks = read_crosschecks(run_dir)
    if checks:
        # Keyed by name and sorted params, so a check need not list params in JMH's order.
        def result_key(benchmark, params):
            return benchmark + ("[" + params_text(dict(sorted(params.items()))) + "]" if params else "")
        by_name = {result_key(r["benchmark"], r.get("params")): r for r in results}
        print("\nOutside references (same machine, same minute):", file=out)
        for c in checks:
            key = result_key(c["benchmark"], c.get("params"))
            r = by_name.get(key)
            ref = c.get("ns_per_op", c.get("value"))
            unit = "ns/op" if "ns_per_op" in c else c.get("unit", "")
            if r is None or ref is None:
                print(f"  {c['check']:44} reference {fmt(ref)} {unit}; no JMH result {key}", file=out)
                continue
            if "ns_per_op" in c:
                score = r["primaryMetric"]["score"]
            else:
                found = [m for k, m in (r.get("secondaryMetrics") or {}).items() if metric_name(k) == c.get("metric")]
                if not found:
                    print(f"  {c['check']:44} reference {fmt(ref)} {unit}; no metric {c.get('metric')} in {key}", file=out)
                    continue
                score = _float(found[0].get("score"))
            ratio = score / ref if ref else float("nan")
            tol = c.get("tolerance")
            verdict = ("shown for comparison" if tol is None else
                       f"agrees within {tol:.0%}" if abs(ratio - 1) <= tol else f"DIFFERS by more than {tol:.0%}")
            print(f"  {c['check']:44} JMH {fmt(score)} vs {fmt(ref)} {unit}: ratio {ratio:.3f}, {verdict}", file=out)

    suites = meta.get("suites", {})
    absent = {k: v for k, v in suites.items() if v.get("status") != "measured"}
    if absent:
        print("\nSuites not measured:", file=out)
        for name, v in absent.items():
            print(f"  {name}: {v.get('status')} {v.get('reason', '')}", file=out)
    for w in meta.get("warnings", []):
        print(f"warning: {w}", file=out)
    print(f"\n{len(results)} results, {meta.get('status')} run, {meta.get('mode')} mode: {run_dir}", file=out)


# --- the notebook part: tidy pandas DataFrames (pandas is imported only here) -----------------

RUNS_ENV = "CONTEXTLAB_RUNS"          # run directories for the notebooks, os.pathsep-separated
REPORT_ENV = "CONTEXTLAB_REPORT_DIR"  # where notebooks save their PNGs (set by report.py)
NOT_MEASURED = "not measured in this run"


def _pd():
    import pandas
    return pandas


def _float(x):
    """JMH writes NaN and infinities as strings ("NaN"); everything else is a number or absent."""
    if x is None:
        return float("nan")
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")


def metric_name(key):
    """`·gc.alloc.rate.norm` (JMH < 1.36) and `gc.alloc.rate.norm` (JMH >= 1.36) are one metric."""
    return key.lstrip("\u00b7").strip()


def kernel_release(meta):
    kernel = (meta.get("environment") or {}).get("kernel") or ""
    parts = kernel.split()
    return parts[1] if len(parts) >= 2 else (kernel or "unknown kernel")


class Run:
    """One run directory: its path, metadata and a label naming host, kernel and time."""

    def __init__(self, path):
        self.path = os.path.abspath(path)
        self.name = os.path.basename(self.path.rstrip(os.sep))
        self.meta = read_metadata(self.path)
        env = self.meta.get("environment") or {}
        self.host = env.get("host") or "unknown host"
        self.kernel = kernel_release(self.meta)
        stamp = self.name.split("-", 1)[0]
        self.label = f"{self.host} \u00b7 {self.kernel} \u00b7 {stamp}"

    def suite_status(self, suite):
        """'measured', 'failed', 'skipped', ... or 'absent' when the run never knew the suite."""
        return ((self.meta.get("suites") or {}).get(suite) or {}).get("status", "absent")

    def cpu_ghz(self):
        """The nominal clock from the CPU model name ("... @ 2.80GHz"), or None."""
        import re
        model = (self.meta.get("environment") or {}).get("cpu_model") or ""
        m = re.search(r"@\s*([0-9.]+)\s*GHz", model)
        return float(m.group(1)) if m else None

    def __repr__(self):
        return f"Run({self.label})"


def resolve_run(arg, root=RUNS):
    """A run directory from a path, a run name under datasets/runs, or 'newest'."""
    if arg in (None, "", "newest", "latest"):
        return newest_run(root)
    if os.path.isfile(os.path.join(arg, "metadata.json")):
        return arg
    candidate = os.path.join(root, arg)
    if os.path.isfile(os.path.join(candidate, "metadata.json")):
        return candidate
    raise FileNotFoundError(f"{arg} is not a run directory (no metadata.json): pass a directory "
                            f"under {root} or its name")


def load(runs=None, root=RUNS):
    """The runs to analyse, as a list of Run: the arguments, else $CONTEXTLAB_RUNS, else the newest."""
    if runs is None:
        env = os.environ.get(RUNS_ENV, "").strip()
        runs = [p for p in env.split(os.pathsep) if p] if env else [None]
    if isinstance(runs, (str, os.PathLike, Run)):
        runs = [runs]
    return [r if isinstance(r, Run) else Run(resolve_run(os.fspath(r) if r is not None else None, root))
            for r in runs]


KEY_COLUMNS = ["run", "label", "host", "kernel", "suite", "benchmark", "cls", "method",
               "name", "mode", "threads", "params"]


def _key_columns(run, r):
    """The columns naming a result, then one column per JMH parameter, `p_<name>`."""
    bench = r["benchmark"]
    parts = bench.split(".")
    row = {"run": run.name, "label": run.label, "host": run.host, "kernel": run.kernel,
           "suite": r.get("suite", ""), "benchmark": bench,
           "cls": parts[-2] if len(parts) >= 2 else "", "method": parts[-1],
           "name": short_name(bench), "mode": r.get("mode", ""),
           "threads": r.get("threads"), "params": params_text(r.get("params"))}
    row.update({"p_" + k: v for k, v in (r.get("params") or {}).items()})
    return row


def _numeric_params(df):
    """Each `p_<name>` column made numeric where every value is a number."""
    pd = _pd()
    for col in [c for c in df.columns if c.startswith("p_")]:
        values = df[col]
        numeric = pd.to_numeric(values, errors="coerce")
        if numeric[values.notna()].notna().all():
            df[col] = numeric
    return df


def results(runs=None):
    """Primary metrics, one row per (run, benchmark, params): score, error (99.9% half-width), unit."""
    pd = _pd()
    rows = []
    for run in load(runs):
        for r in read_jmh(run.path):
            pm = r.get("primaryMetric") or {}
            row = _key_columns(run, r)
            ci = pm.get("scoreConfidence") or [None, None]
            row.update({"score": _float(pm.get("score")), "error": _float(pm.get("scoreError")),
                        "unit": pm.get("scoreUnit", ""), "ci_low": _float(ci[0]), "ci_high": _float(ci[1]),
                        "samples": sum(len(fork) for fork in (pm.get("rawData") or [])),
                        "forks": r.get("forks")})
            rows.append(row)
    df = pd.DataFrame(rows)
    if df.empty:
        df = pd.DataFrame(columns=KEY_COLUMNS + ["score", "error", "unit", "ci_low", "ci_high", "samples", "forks"])
    return _numeric_params(df)


def secondary(runs=None):
    """Secondary metrics (JMH profilers, @AuxCounters, the eBPF profiler), one row per metric.
    `value` is the figure to read: the score, except for @AuxCounters(Type.EVENTS) counters (unit
    "#"), whose score JMH sums over iterations and forks: for those, one iteration's mean."""
    pd = _pd()
    rows = []
    for run in load(runs):
        for r in read_jmh(run.path):
            for key, m in (r.get("secondaryMetrics") or {}).items():
                row = _key_columns(run, r)
                raw = [_float(v) for fork in (m.get("rawData") or []) for v in fork]
                row.update({"metric": metric_name(key), "score": _float(m.get("score")),
                            "error": _float(m.get("scoreError")), "unit": m.get("scoreUnit", ""),
                            # @AuxCounters(Type.EVENTS) scores are sums over iterations and forks;
                            # the mean of the raw samples is the figure of one iteration.
                            "per_iteration": sum(raw) / len(raw) if raw else float("nan"),
                            "iterations": len(raw)})
                row["value"] = row["per_iteration"] if row["unit"] == "#" else row["score"]
                rows.append(row)
    df = pd.DataFrame(rows)
    if df.empty:
        df = pd.DataFrame(columns=KEY_COLUMNS + ["metric", "score", "error", "unit", "per_iteration", "iterations", "value"])
    return _numeric_params(df)


def wide(runs=None):
    """results() with each secondary metric as a column `m:<metric>` beside the primary score."""
    df = results(runs)
    sec = secondary(runs)
    if sec.empty or df.empty:
        return df
    piv = sec.pivot_table(index=["run", "benchmark", "params"], columns="metric", values="value", aggfunc="first")
    piv.columns = ["m:" + c for c in piv.columns]
    return df.merge(piv.reset_index(), on=["run", "benchmark", "params"], how="left")


def crosschecks(runs=None):
    """crosscheck.jsonl beside the JMH figure it checks: ratio = JMH / reference, agrees within tolerance."""
    pd = _pd()
    rows = []
    for run in load(runs):
        res = read_jmh(run.path)
        for c in read_crosschecks(run.path):
            want = params_text(c.get("params"))
            match = [r for r in res if r["benchmark"] == c.get("benchmark")
                     and (not c.get("params") or params_text({k: (r.get("params") or {}).get(k) for k in c["params"]}) == want)]
            jmh, unit = float("nan"), ""
            if match:
                r = match[0]
                if "metric" in c:
                    for key, m in (r.get("secondaryMetrics") or {}).items():
                        if metric_name(key) == c["metric"]:
                            jmh, unit = _float(m.get("score")), m.get("scoreUnit", "")
                else:
                    jmh, unit = _float(r["primaryMetric"].get("score")), r["primaryMetric"].get("scoreUnit", "")
            ref = _float(c.get("ns_per_op", c.get("value")))
            tol = _float(c.get("tolerance", 0.15))
            ratio = jmh / ref if ref else float("nan")
            rows.append({"run": run.name, "label": run.label, "check": c.get("check"),
                         "benchmark": c.get("benchmark"), "params": want, "metric": c.get("metric", "primary"),
                         "reference": c.get("reference"), "reference_value": ref,
                         "unit": c.get("unit", "ns/op") if "ns_per_op" not in c else "ns/op",
                         "jmh": jmh, "jmh_unit": unit, "ratio": ratio, "tolerance": tol,
                         "agrees": bool(abs(ratio - 1) <= tol) if ratio == ratio else None})
    return pd.DataFrame(rows, columns=["run", "label", "check", "benchmark", "params", "metric", "reference",
                                       "reference_value", "unit", "jmh", "jmh_unit", "ratio", "tolerance", "agrees"])


def suites(runs=None):
    """Each suite's fate in each run: measured, failed (reason), skipped (reason)."""
    pd = _pd()
    rows = []
    for run in load(runs):
        for name, v in (run.meta.get("suites") or {}).items():
            rows.append({"run": run.name, "label": run.label, "suite": name, "status": v.get("status"),
                         "reason": v.get("reason", "")})
    return pd.DataFrame(rows, columns=["run", "label", "suite", "status", "reason"])


# The servers step (scripts/run.d) writes servers.json (or servers.csv); these are the column names
# the notebooks use, with the spellings accepted for each.
SERVER_COLUMNS = {
    "model": ("model", "server", "name"),
    "concurrency": ("concurrency", "connections", "clients", "c"),
    "requests_per_s": ("requests_per_s", "requests_per_sec", "rps", "throughput", "req_per_s"),
    "latency_p50_ms": ("latency_p50_ms", "p50_ms", "latency_p50"),
    "latency_p99_ms": ("latency_p99_ms", "p99_ms", "latency_p99"),
    "latency_max_ms": ("latency_max_ms", "max_ms", "latency_max"),
    "errors": ("errors", "errors_total", "socket_errors"),
    "status": ("status", "skipped"),
}


def _server_records(data):
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        # each point gets its model's kind (java, c, reference) from the servers list
        kinds = {s.get("model"): s.get("kind") for s in data.get("servers") or [] if isinstance(s, dict)}
        for key in ("results", "points", "runs", "measurements"):
            if isinstance(data.get(key), list):
                return [dict(r, kind=kinds[r.get("model")]) if isinstance(r, dict) and "kind" not in r
                        and r.get("model") in kinds else r for r in data[key]]
    return []


def servers(runs=None):
    """Server-model load results (requests/s, latency against concurrency), one row per point."""
    pd = _pd()
    frames = []
    for run in load(runs):
        path_json = os.path.join(run.path, "servers.json")
        path_csv = os.path.join(run.path, "servers.csv")
        if os.path.exists(path_json):
            with open(path_json) as f:
                df = pd.json_normalize(_server_records(json.load(f)))
        elif os.path.exists(path_csv):
            df = pd.read_csv(path_csv)
        else:
            continue
        rename = {}
        for canonical, spellings in SERVER_COLUMNS.items():
            for s in spellings:
                if s in df.columns and canonical not in rename.values() and canonical not in df.columns:
                    rename[s] = canonical
        df = df.rename(columns=rename)
        for q in ("p50", "p99", "max"):  # servers.json (issue 8) records latency in µs
            if f"latency_us.{q}" in df and f"latency_{q}_ms" not in df:
                df[f"latency_{q}_ms"] = pd.to_numeric(df[f"latency_us.{q}"], errors="coerce") / 1000.0
        error_cols = [c for c in df.columns if c.startswith("errors.")]
        if error_cols and "errors" not in df:
            df["errors"] = df[error_cols].apply(pd.to_numeric, errors="coerce").sum(axis=1, min_count=1)
        df.insert(0, "label", run.label)
        df.insert(0, "run", run.name)
        frames.append(df)
    if not frames:
        return pd.DataFrame(columns=["run", "label"] + list(SERVER_COLUMNS))
    df = pd.concat(frames, ignore_index=True)
    for col in ("concurrency", "requests_per_s", "ok_requests_per_s"):
        if col in df:
            df[col] = pd.to_numeric(df[col], errors="coerce")
    return df


def reference(name):
    """A CSV of datasets/reference/ (claims, article-throughput) as a DataFrame."""
    return _pd().read_csv(os.path.join(REPO, "datasets", "reference", name + ".csv"))


# --- small helpers the notebooks share ----------------------------------------------------------

def param_column(df, *names):
    """The first `p_<name>` column present in df among names (JMH parameter spellings vary)."""
    for n in names:
        if "p_" + n in df.columns and df["p_" + n].notna().any():
            return "p_" + n
    return None


def report_dir():
    d = os.environ.get(REPORT_ENV)
    if d:
        os.makedirs(d, exist_ok=True)
    return d


def save(fig, name):
    """Save a figure as <report dir>/<name>.png when the report is being made; returns the file name."""
    d = report_dir()
    if d:
        fig.savefig(os.path.join(d, name + ".png"), dpi=110, bbox_inches="tight")
    return name + ".png"


def say(text):
    """Markdown in a notebook, plain text elsewhere."""
    try:
        from IPython.display import Markdown, display
        display(Markdown(text))
    except ImportError:
        print(text)


def not_measured(what, runs=None, suite=None):
    """The one way a notebook says a figure is missing: which runs lack it and why."""
    reasons = []
    for run in (runs or []):
        status = run.suite_status(suite) if suite else "absent"
        why = ((run.meta.get("suites") or {}).get(suite) or {}).get("reason", "") if suite else ""
        reasons.append(f"{run.label}: suite {suite} {status}{' (' + why + ')' if why else ''}" if suite else run.label)
    say(f"**{what}: {NOT_MEASURED}.**" + ("  \n" + "  \n".join(reasons) if reasons else ""))


def describe(runs):
    """One line per run: label, mode, status, and the warnings that distort its numbers."""
    lines = []
    for run in runs:
        m = run.meta
        env = m.get("environment") or {}
        lines.append(f"- **{run.label}** — {m.get('mode')} run, {m.get('status')}, {env.get('cpu_model')}, "
                     f"{env.get('cpus_online')} CPUs, virtualization {env.get('virtualization')}, "
                     f"JDK {(env.get('jdk') or {}).get('version')} (`{run.path}`)")
        for w in m.get("warnings", []):
            lines.append(f"    - warning: {w}")
    say("\n".join(lines))


def fit_loglog(x, y):
    """Slope and intercept of log10(y) = a + b*log10(x), and R^2; needs >= 2 distinct positive x."""
    import numpy as np
    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = (x > 0) & (y > 0) & np.isfinite(x) & np.isfinite(y)
    x, y = np.log10(x[ok]), np.log10(y[ok])
    if len(np.unique(x)) < 2:
        return None
    b, a = np.polyfit(x, y, 1)
    pred = a + b * x
    ss = ((y - y.mean()) ** 2).sum()
    r2 = 1 - ((y - pred) ** 2).sum() / ss if ss > 0 else 1.0
    return {"slope": float(b), "slope_err": _slope_err(x, y - pred), "intercept": float(a), "r2": float(r2)}


def _slope_err(x, residuals):
    """Standard error of a least-squares slope (NaN with fewer than 3 points)."""
    import numpy as np
    n = len(x)
    sxx = float(((x - x.mean()) ** 2).sum())
    if n < 3 or sxx == 0:
        return float("nan")
    return float(np.sqrt((residuals ** 2).sum() / (n - 2) / sxx))


def fit_log(x, y):
    """y = a + b*log2(x) and, for comparison, y = c + d*x: coefficients and residual sums.
    The first article's O(log m) claim predicts the log model fits better than the linear one."""
    import numpy as np
    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = (x > 0) & np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    if len(np.unique(x)) < 3:
        return None
    b, a = np.polyfit(np.log2(x), y, 1)
    b_err = _slope_err(np.log2(x), y - (a + b * np.log2(x)))
    d, c = np.polyfit(x, y, 1)
    rss_log = float(((y - (a + b * np.log2(x))) ** 2).sum())
    rss_lin = float(((y - (c + d * x)) ** 2).sum())
    return {"a": float(a), "b_per_doubling": float(b), "b_err": b_err, "c": float(c), "d_per_unit": float(d),
            "rss_log": rss_log, "rss_linear": rss_lin}


# --- plots the notebooks share (matplotlib imported when called) --------------------------------

def _log_axis_err(err, value):
    """Error bars a log axis can draw: an error reaching zero is cut to 99.9% of the value; none is 0."""
    return err.where(err.isna() | (err < value), value * 0.999).fillna(0).clip(lower=0)


def bars(ax, df, title="", xlabel=None, refs=()):
    """Horizontal bars on a log scale with JMH's 99.9% error bars, one bar per benchmark x params,
    runs side by side (one colour each). refs: (value, text) vertical reference lines."""
    import numpy as np
    df = df.copy()
    df["rung"] = df["name"] + df["params"].map(lambda p: f" [{p}]" if p else "")
    df = df.drop_duplicates(subset=["label", "rung"])
    order = df.groupby("rung")["score"].median().sort_values().index.tolist()
    labels = list(dict.fromkeys(df["label"]))
    h = 0.8 / max(1, len(labels))
    for i, lab_ in enumerate(labels):
        d = df[df["label"] == lab_].set_index("rung").reindex(order)
        y = np.arange(len(order)) + (i - (len(labels) - 1) / 2) * h
        ax.barh(y, d["score"], height=h, xerr=_log_axis_err(d["error"], d["score"]), capsize=2,
                label=lab_ if len(labels) > 1 else None)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels(order, fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel(xlabel or (df["unit"].iloc[0] if not df.empty else ""))
    for value, text in refs:
        ax.axvline(value, color="grey", linestyle="--", linewidth=1)
        ax.text(value, len(order) - 0.4, " " + text, fontsize=8, color="grey", va="bottom")
    ax.set_title(title)
    ax.grid(axis="x", which="both", alpha=0.3)
    if len(labels) > 1:
        ax.legend(fontsize=7)
    return order


def _param_text(column, value):
    if isinstance(value, float) and value != value:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{column[2:]}={value}" if column.startswith("p_") else str(value)


def curves(ax, df, x, by=(), y="score", err="error", loglog=True, fit=True, title="", xlabel=None, ylabel=None):
    """y against x, one line per run label and per `by` columns, error bars, and with fit=True the
    log-log slope of each line in its legend entry. Returns {line label: fit or None}."""
    import numpy as np
    fits = {}
    keys = ["label"] + [b for b in by if b in df]
    for key, d in df.groupby(keys, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        d = d.groupby(x, as_index=False).agg({y: "median", **({err: "median"} if err in d else {})}).sort_values(x)
        shown = list(zip(keys, key))[1:] if df["label"].nunique() == 1 else list(zip(keys, key))
        name = " / ".join(t for t in (_param_text(c, v) for c, v in shown) if t) or y
        f = fit_loglog(d[x], d[y]) if fit and len(d) >= 2 else None
        fits[name] = f
        e = _log_axis_err(d[err], d[y]) if err in d else None
        ax.errorbar(d[x], d[y], yerr=e, marker="o", capsize=2,
                    label=name + (f"  (slope {f['slope']:.2f})" if f else ""))
    if loglog:
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel(xlabel or x.removeprefix("p_"))
    ax.set_ylabel(ylabel or (df["unit"].iloc[0] if "unit" in df and not df.empty else y))
    ax.set_title(title)
    ax.grid(which="both", alpha=0.3)
    if fits:
        ax.legend(fontsize=7)
    return fits


def main(argv):
    if len(argv) >= 2 and argv[0] == "summary":
        summary(argv[1])
        return 0
    if argv and argv[0] == "runs":
        for d in run_dirs():
            print(d)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
