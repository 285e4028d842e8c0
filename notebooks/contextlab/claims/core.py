"""What every claim module shares: the verdict words, Verdict, Evidence (one run's frames and the
lookups by exact benchmark and metric name), the registry of claim functions, error propagation."""
import math

import pandas as pd

from .. import frames
from ..plots import NOT_MEASURED

HOLDS, FAILS, PARTLY, NOT = "holds", "does not hold", "partly", NOT_MEASURED
VERDICTS = (HOLDS, PARTLY, FAILS, NOT)

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
    def __init__(self, claim, verdict, measured=None, error=None, unit="", detail=""):
        self.claim, self.verdict, self.measured, self.error, self.unit, self.detail = \
            claim, verdict, measured, error, unit, detail

    def as_row(self):
        return {"id": self.claim, "verdict": self.verdict, "measured": self.measured,
                "error": self.error, "measured_unit": self.unit, "detail": self.detail}


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


class Evidence:
    """One run's DataFrames and the lookups the claim functions need."""

    def __init__(self, run):
        self.run = run
        self.results = own_suite(frames.results([run]))
        self.secondary = own_suite(frames.secondary([run]))
        self._servers = None

    @property
    def servers(self):
        if self._servers is None:
            self._servers = frames.servers([self.run])
        return self._servers

    def rows(self, what, df=None):
        return select(self.results if df is None else df, what)

    def one(self, what):
        """(score, error, name) of the cheapest result for `what` (a time per operation), or None."""
        rows = self.rows(what)
        rows = rows[rows["unit"].str.contains("/op", regex=False)] if not rows.empty else rows
        if rows.empty:
            return None
        r = rows.sort_values("score").iloc[0]
        return float(r["score"]), _err(r["error"]), r["name"] + (f"[{r['params']}]" if r["params"] else "")

    def metric(self, what, metric_key):
        """Secondary-metric rows of the benchmarks of `what` whose metric is METRICS[metric_key]."""
        sec = self.rows(what, self.secondary)
        return sec[sec["metric"] == METRICS[metric_key]] if not sec.empty else sec

    def missing(self, claim, suite, what, metric_key=None):
        status = self.run.suite_status(suite)
        if status != "measured":
            why = f"suite {suite} {status_text(status)}"
        elif metric_key:
            why = f"no metric {METRICS[metric_key]} of {', '.join(short(n) for n in names(what))}"
        else:
            why = f"no result of {', '.join(short(n) for n in names(what))}"
        return Verdict(claim, NOT, detail=why)


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


def _err(e):
    e = float(e) if e is not None else float("nan")
    return e if math.isfinite(e) else float("nan")


def _diff_err(*errs):
    return math.sqrt(sum(e * e for e in errs if e == e)) if any(e == e for e in errs) else float("nan")


def _ratio(a, ea, b, eb):
    r = a / b
    rel = _diff_err(ea / a if a else float("nan"), eb / b if b else float("nan"))
    return r, r * rel if rel == rel else float("nan")
