"""What every claim module shares: the verdict words, Verdict, Evidence (one run's frames and the
lookups by exact benchmark and metric name), the registry of claim functions, and the intervals.

Intervals: every measured figure is a `Q` — its point value and B bootstrap replicates. A JMH
result's replicates resample its rawData hierarchically (forks with replacement, then iterations
within each drawn fork) and take the mean; a difference, ratio or fit over several results combines
their replicates draw by draw (each result resampled independently, points of a curve included).
The RNG is seeded from the claim's id, so the same data give the same interval on every rerun.
A verdict is "holds" / "does not hold" only when the whole 95% interval is on one side of its
threshold (claims.csv: `holds_if`, `threshold`), "inconclusive" when it straddles.
"""
import math
import zlib

import numpy as np
import pandas as pd

from .. import frames

HOLDS, FAILS, PARTLY, INCONCLUSIVE = "holds", "does not hold", "partly", "inconclusive"
NOT, NOT_TESTED = "not measured", "not tested"
VERDICTS = (HOLDS, PARTLY, FAILS, INCONCLUSIVE, NOT, NOT_TESTED)
JUDGED = (HOLDS, PARTLY, FAILS, INCONCLUSIVE)   # verdicts that carry a value and an interval

BOOTSTRAP = 2000     # replicates per interval
LEVEL = 0.95

# Logical measurement -> the benchmarks it names, exactly: a full benchmark name
# (io.contextlab.<suite>.Class.method) or a class (io.contextlab.<suite>.Class: all its methods
# but its baselines). Each suite's module adds its own; a renamed benchmark fails
# tests/test_claims.py (every name must exist in the 2026-11-22 run or be listed as not measured there).
WIRING = {}
# Logical measurement -> the secondary metric it reads, exactly (JMH's name, without JMH < 1.36's '·').
METRICS = {}
REGISTRY = {}


def claim(claim_id):
    def register(fn):
        REGISTRY[claim_id] = fn
        return fn
    return register


class Verdict:
    """One claim's verdict on one run: value and 95% interval (ci = (low, high)) in `unit`."""

    def __init__(self, claim, verdict, value=None, ci=None, unit="", detail=""):
        self.claim, self.verdict, self.value, self.unit, self.detail = claim, verdict, value, unit, detail
        self.ci = tuple(ci) if ci is not None else None

    @property
    def measured(self):
        return self.value

    def as_row(self):
        lo, hi = self.ci if self.ci else (float("nan"), float("nan"))
        err = (hi - lo) / 2 if self.ci else float("nan")
        return {"id": self.claim, "verdict": self.verdict, "measured": _num(self.value), "ci_low": lo,
                "ci_high": hi, "error": err, "measured_unit": self.unit, "detail": self.detail}

    def as_record(self):
        """The entry of claims.json's `verdicts` list (contextlab.claims/1)."""
        finite = lambda x: x is not None and isinstance(x, (int, float)) and math.isfinite(x)
        value = float(self.value) if finite(self.value) else None
        ci = [float(self.ci[0]), float(self.ci[1])] if self.ci and all(finite(c) for c in self.ci) else None
        return {"id": self.claim, "verdict": self.verdict, "value": value, "ci": ci, "unit": self.unit,
                "detail": self.detail}


def _num(x):
    return float(x) if x is not None and isinstance(x, (int, float)) else float("nan")


# ---------------------------------------------------------------------------------------------
# Intervals

def rng_for(claim_id):
    """The claim's own seeded generator: the same data give the same interval on every rerun."""
    return np.random.default_rng(zlib.crc32(claim_id.encode()))


def raw_values(raw):
    """rawData (a list per fork of iteration values) as a list of float arrays, NaNs dropped."""
    forks = []
    for fork in raw or []:
        v = np.array([x for x in (_float(y) for y in fork) if math.isfinite(x)], float)
        if len(v):
            forks.append(v)
    return forks


def _float(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")


def boot_means(forks, rng, b=BOOTSTRAP):
    """B replicates of the mean over forks x iterations: forks drawn with replacement, then
    iterations with replacement within each drawn fork."""
    nf = len(forks)
    picks = rng.integers(0, nf, size=(b, nf))
    if len({len(f) for f in forks}) == 1:   # equal iterations per fork (JMH's usual case): vectorised
        arr = np.vstack(forks)
        ni = arr.shape[1]
        idx = rng.integers(0, ni, size=(b, nf, ni))
        return arr[picks[:, :, None], idx].mean(axis=(1, 2))
    out = np.empty(b)
    for i in range(b):
        drawn = [forks[f][rng.integers(0, len(forks[f]), size=len(forks[f]))] for f in picks[i]]
        out[i] = np.concatenate(drawn).mean()
    return out


class Q:
    """A measured quantity: its point value and bootstrap replicates (same length for all Q of one
    claim); arithmetic combines replicates draw by draw."""

    def __init__(self, point, draws, name=""):
        self.point, self.draws, self.name = float(point), np.asarray(draws, float), name

    @classmethod
    def of(cls, forks, rng, name=""):
        allv = np.concatenate(forks)
        return cls(allv.mean(), boot_means(forks, rng), name)

    @classmethod
    def exact(cls, value, name=""):
        return cls(value, np.full(BOOTSTRAP, float(value)), name)

    def _lift(self, other):
        return other if isinstance(other, Q) else Q.exact(other)

    def __sub__(self, o):
        o = self._lift(o)
        return Q(self.point - o.point, self.draws - o.draws)

    def __add__(self, o):
        o = self._lift(o)
        return Q(self.point + o.point, self.draws + o.draws)

    def __mul__(self, o):
        o = self._lift(o)
        return Q(self.point * o.point, self.draws * o.draws)

    __rmul__ = __mul__

    def __truediv__(self, o):
        o = self._lift(o)
        with np.errstate(divide="ignore", invalid="ignore"):
            return Q(self.point / o.point if o.point else float("nan"), self.draws / o.draws)

    def ci(self):
        """The 95% percentile interval, widened to the point value if a skewed statistic put it outside."""
        d = self.draws[np.isfinite(self.draws)]
        if not len(d) or not math.isfinite(self.point):
            return (float("nan"), float("nan"))
        lo, hi = np.percentile(d, [100 * (1 - LEVEL) / 2, 100 * (1 + LEVEL) / 2])
        return (float(min(lo, self.point)), float(max(hi, self.point)))


def fit_draws(xs, qs, transform_x=np.log2, log_y=False):
    """Least-squares slope of y (or log10 y) on transform_x(x) over points, as a Q: each point's
    replicates resampled independently (every curve point is its own JMH result)."""
    x = transform_x(np.asarray(xs, float))
    ys = np.vstack([q.draws for q in qs])
    yp = np.array([q.point for q in qs])
    if log_y:
        with np.errstate(divide="ignore", invalid="ignore"):
            ys, yp = np.log10(ys), np.log10(yp)
    xc = x - x.mean()
    sxx = (xc ** 2).sum()
    slope = lambda y: (xc[:, None] * (y - y.mean(axis=0))).sum(axis=0) / sxx
    return Q(float(slope(yp[:, None])[0]), slope(ys))


def judge(q, holds_if, threshold):
    """holds / does not hold / inconclusive from the 95% interval of q against the threshold.
    holds_if: "below" (holds if the interval is under threshold), "above", or "between"
    (threshold = (low, high): holds inside, does not hold when the interval is wholly outside)."""
    lo, hi = q.ci() if isinstance(q, Q) else q
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return NOT
    if holds_if == "below":
        return HOLDS if hi < threshold else FAILS if lo >= threshold else INCONCLUSIVE
    if holds_if == "above":
        return HOLDS if lo > threshold else FAILS if hi <= threshold else INCONCLUSIVE
    if holds_if == "between":
        a, b = threshold
        if a <= lo and hi <= b:
            return HOLDS
        return FAILS if hi < a or lo > b else INCONCLUSIVE
    raise ValueError(f"holds_if {holds_if!r}: use below, above or between")


def combine(parts):
    """The verdict of a claim with parts [(name, verdict)]: holds if every part holds; does not hold
    if every measured part fails; partly if some hold and some fail; else inconclusive (a part
    straddles or was not measured)."""
    vs = [v for _, v in parts]
    judged = [v for v in vs if v in (HOLDS, FAILS, INCONCLUSIVE)]
    if not judged:
        return NOT
    if all(v == HOLDS for v in vs):
        return HOLDS
    if HOLDS in judged and FAILS in judged:
        return PARTLY
    if all(v == FAILS for v in judged):
        return FAILS
    return INCONCLUSIVE


def rule(claim_id):
    """(holds_if, threshold) of a claim from claims.csv; threshold a float or (low, high)."""
    c = claims_table().set_index("id")
    holds_if, t = c.loc[claim_id, "holds_if"], str(c.loc[claim_id, "threshold"])
    if holds_if == "between":
        a, b = (float(x) for x in t.split(";"))
        return holds_if, (a, b)
    return holds_if, float(t) if t not in ("", "nan", "-") else None


_claims = {}


def claims_table():
    if "t" not in _claims:
        _claims["t"] = frames.reference("claims")
    return _claims["t"]


def fmt_ci(q, unit="", digits=3):
    lo, hi = q.ci()
    return f"{q.point:.{digits}g} [{lo:.{digits}g}, {hi:.{digits}g}] {unit}".strip()


def verdict_of(claim_id, q, unit, detail, parts=None):
    """The Verdict of a single-threshold claim (rule from claims.csv), or of a claim with parts
    [(name, verdict)] when `parts` is given (q is then the primary part's quantity)."""
    if parts is None:
        how, t = rule(claim_id)
        v = judge(q, how, t)
    else:
        v = combine(parts)
        detail += "; parts: " + ", ".join(f"{n} {pv}" for n, pv in parts)
    return Verdict(claim_id, v, q.point, q.ci(), unit, detail)


# ---------------------------------------------------------------------------------------------
# Evidence

def own_suite(df):
    """Rows measured by their own suite (the frames' `own_suite`: the suite whose JMH include pattern
    selects the benchmark). Steps such as the eBPF perturbation twins (suites ebpf-untraced,
    ebpf-traced) re-run a suite's benchmarks under other settings; they are compared in their
    notebook, not mixed into a claim."""
    return df[df["own_suite"].astype(bool)] if not df.empty else df


def names(what):
    """The exact benchmark or class names of a logical measurement."""
    v = WIRING[what]
    return (v,) if isinstance(v, str) else tuple(v)


def select(df, what):
    """Rows of df that are the benchmarks of `what`: exact names, or every non-baseline method of a class."""
    if df.empty:
        return df
    wanted = names(what)
    cls = df["benchmark"].str.rsplit(".", n=1).str[0]
    exact = df["benchmark"].isin(wanted)
    of_class = cls.isin(wanted) & ~df["method"].str.startswith("baseline")
    return df[exact | of_class]


class Missing(Exception):
    """Raised by Evidence.need_*: the claim is not measured; `verdict` says what was missing."""

    def __init__(self, verdict):
        super().__init__(verdict.detail)
        self.verdict = verdict


class Evidence:
    """One run's DataFrames, its rawData, and the lookups the claim functions need. `start(claim)`
    (called by claims.evaluate) names the claim being judged and gives it its own seeded RNG."""

    def __init__(self, run):
        self.run = run
        self.start("evidence")
        self.results = own_suite(frames.results([run]))
        self.secondary = own_suite(frames.secondary([run]))
        self._servers = None
        self._raw = {}
        for r in run.jmh():
            if r.get("suite") != run.suite_of(r["benchmark"]):
                continue
            key = (r["benchmark"], frames.params_text(r.get("params")))
            self._raw[key + ("primary",)] = (r.get("primaryMetric") or {}).get("rawData")
            for k, m in (r.get("secondaryMetrics") or {}).items():
                from ..formats import metric_name
                self._raw[key + (metric_name(k),)] = m.get("rawData")

    def start(self, claim_id):
        self.claim, self.rng = claim_id, rng_for(claim_id)
        return self

    def verdict(self, q, unit, detail, parts=None):
        """verdict_of for the claim being judged."""
        return verdict_of(self.claim, q, unit, detail, parts)

    def need(self, value, suite, what, metric_key=None):
        """value, or Missing (not measured, naming `what` and its metric) when it is None."""
        if value is None:
            raise Missing(self.missing(suite, what, metric_key))
        return value

    def need_q(self, what, suite, **params):
        """The Q of the one result of `what` with these params, or Missing."""
        row = self.one_row(what, **params)
        return self.need(self.q(row) if row is not None else None, suite, what)

    def need_metric(self, what, metric_key, suite, **params):
        return self.need(self.metric_q(what, metric_key, **params), suite, what, metric_key)

    @property
    def servers(self):
        if self._servers is None:
            self._servers = frames.servers([self.run])
        return self._servers

    def rows(self, what, df=None):
        return select(self.results if df is None else df, what)

    def forks(self, row, metric="primary"):
        """The rawData of a result row (of results or secondary) as fork arrays; [] when none."""
        return raw_values(self._raw.get((row["benchmark"], row["params"], metric)))

    def q(self, row, rng=None, metric="primary"):
        """The Q of one result row's metric (its mean over forks x iterations), or None."""
        forks = self.forks(row, metric)
        if not forks:
            return None
        return Q.of(forks, rng or self.rng, row["name"] + (f"[{row['params']}]" if row["params"] else ""))

    def one_row(self, what, **params):
        """The single result row of `what` with these JMH parameters (the cheapest if several), or None."""
        rows = with_params(self.rows(what), params)
        return None if rows is None or rows.empty else rows.sort_values("score").iloc[0]

    def metric(self, what, metric_key):
        """Secondary-metric rows of the benchmarks of `what` whose metric is METRICS[metric_key]."""
        sec = self.rows(what, self.secondary)
        return sec[sec["metric"] == METRICS[metric_key]] if not sec.empty else sec

    def metric_q(self, what, metric_key, rng=None, **params):
        """The Q of a secondary metric (per iteration) on the result of `what` with these params, or None."""
        m = with_params(self.metric(what, metric_key), params)
        if m is None or m.empty:
            return None
        r = m.iloc[0]
        forks = self.forks(r, METRICS[metric_key])
        if not forks:
            return None
        q = Q.of(forks, rng or self.rng, f"{r['name']}[{r['params']}] {r['metric']}")
        q.unit = r["unit"]
        return q

    def missing(self, suite, what, metric_key=None):
        status = self.run.suite_status(suite)
        if status != "measured":
            why = f"suite {suite} {status_text(status)}"
        elif metric_key:
            why = f"no metric {METRICS[metric_key]} of {', '.join(short(n) for n in names(what))}"
        else:
            why = f"no result of {', '.join(short(n) for n in names(what))}"
        return Verdict(self.claim, NOT, detail=why)


def with_params(df, params):
    """The rows of df whose JMH parameters equal params {name: value}, or None when df lacks one."""
    for k, v in params.items():
        c = "p_" + k
        if df.empty or c not in df:
            return None
        df = df[matches(df[c], v)]
    return df


def matches(column, value):
    """Rows whose JMH parameter equals value: as numbers when both are (a column shared by several
    classes holds 1.0 for "1"), else as text."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return column.astype(str) == str(value)
    return (numeric(column) == x) | (column.astype(str) == str(value))


def short(name):
    return ".".join(name.split(".")[-2:])


def status_text(status):
    return "not in this run" if status == "absent" else status


def numeric(series):
    return pd.to_numeric(series, errors="coerce")


def param(df, name):
    """The column of JMH parameter `name` (`p_<name>`) when df has values for it, else None."""
    c = "p_" + name
    return c if c in df.columns and df[c].notna().any() else None


def per_class(df, parameter_of):
    """A number per row from the JMH parameter its class names in parameter_of {class: parameter}
    (classes spell the same quantity differently); NaN for other classes and for words."""
    out = pd.Series(float("nan"), index=df.index)
    for cls, name in parameter_of.items():
        if "p_" + name in df:
            out = out.where(df["cls"] != cls, numeric(df["p_" + name]))
    return out
