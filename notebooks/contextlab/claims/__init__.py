"""Claim -> measurement -> verdict, shared by 00-claims.ipynb, the suite notebooks and the tests.

datasets/reference/claims.csv lists the claims (in our words, with the article's title and section,
its figure and the rule for the verdict); one module per suite holds one function per claim,
registered under the claim's id. Each function reads one run through `Evidence` and returns a
`Verdict`: the measured value with its error (JMH's 99.9% half-width, propagated through
differences and ratios), a verdict, and a line saying what was measured. Each claim names its
benchmark (WIRING) and metric (METRICS) exactly; a claim whose suite, benchmark or metric is
missing from the run is "not measured in this run" with the name that was not found, never
another quantity and never an exception.
"""
import math

import pandas as pd

from .. import frames
from ..runs import load
from . import epoll, sched, servers, stacks, st, switches, syscalls, uring  # noqa: F401 (registers claims)
from .core import (FAILS, HOLDS, METRICS, NOT, PARTLY, REGISTRY, VERDICTS, WIRING, Evidence, Verdict,
                   names, numeric, own_suite, param, select)
from .epoll import all_events, fd_count, herd_table, with_x
from .sched import runnable
from .stacks import TOUCHED, touched

MODULES = (syscalls, switches, stacks, epoll, sched, uring, servers, st)


def evaluate(run):
    """One Verdict per claim in claims.csv for one run; an unexpected error becomes the verdict's detail."""
    ev = Evidence(run)
    out = []
    for cid in frames.reference("claims")["id"]:
        fn = REGISTRY.get(cid)
        if fn is None:
            out.append(Verdict(cid, NOT, detail="no rule in notebooks/contextlab/claims/"))
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
    claims = frames.reference("claims")
    out = []
    for run in load(runs):
        v = pd.DataFrame([x.as_row() for x in evaluate(run)])
        v.insert(0, "run", run.label)
        out.append(claims.merge(v, on="id", how="left"))
    return pd.concat(out, ignore_index=True) if out else claims.assign(verdict=NOT)


def fmt_measured(value, error, unit):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    v = f"{value:.3g}"
    if error is not None and isinstance(error, float) and math.isfinite(error) and error > 0:
        v += f" ± {error:.2g}"
    return f"{v} {unit}".strip()
