"""Claim -> measurement -> verdict, shared by 00-claims.ipynb, the suite notebooks and the tests.

datasets/reference/claims.csv lists the claims: the article's sentence (`quote`), our restatement,
title and section, one pre-registered `metric`, the `thresholds` and their reasons, the `scope`,
and the rule the code reads (`holds_if`, `threshold`). One module per suite holds one function per
claim, registered under the claim's id. Each function reads one run through `Evidence` and returns
a `Verdict`: the value, its 95% bootstrap interval over forks x iterations (and over points for
slopes and ratios; seeded per claim), a verdict from where the whole interval lies, and a line
saying what was measured. A claim whose benchmark or metric is missing from the run is "not
measured" with the name that was not found, never another quantity and never an exception.

    python3 -m contextlab claims RUN   # writes RUN/claims.json (contextlab.claims/1)
"""
import json
import math
import os
import tempfile

import pandas as pd

from .. import formats
from ..runs import load
from . import epoll, sched, servers, stacks, st, switches, syscalls, uring  # noqa: F401 (registers claims)
from .core import (FAILS, HOLDS, INCONCLUSIVE, JUDGED, METRICS, NOT, NOT_TESTED, PARTLY, REGISTRY, VERDICTS,
                   WIRING, Evidence, Missing, Q, Verdict, claims_table, judge, names, numeric, own_suite, param, select)
from .epoll import all_events, fd_count, herd_table, with_x
from .sched import runnable
from .stacks import TOUCHED, touched

MODULES = (syscalls, switches, stacks, epoll, sched, uring, servers, st)
CLAIMS_FORMAT = "contextlab.claims/1"
# Benchmarks and metrics named by claims that i15java adds (absent from runs before issue 15).
NEW_BENCHMARKS = set().union(*(getattr(m, "NEW_BENCHMARKS", set()) for m in MODULES))
NEW_METRICS = {"tscHz", "localsPreservedPerYield", "allocatedBytesPerStep"} | set().union(
    *(getattr(m, "NEW_METRICS", set()) for m in MODULES))


def evaluate(run):
    """One Verdict per claim in claims.csv for one run; an unexpected error becomes the verdict's detail."""
    ev = Evidence(run)
    out = []
    for cid in claims_table()["id"]:
        fn = REGISTRY.get(cid)
        if fn is None:
            out.append(Verdict(cid, NOT, detail="no rule in notebooks/contextlab/claims/"))
            continue
        try:
            out.append(fn(ev.start(cid)))
        except Missing as m:
            out.append(m.verdict)
        except Exception as e:  # a malformed result must cost one row, not the table
            out.append(Verdict(cid, NOT, detail=f"could not evaluate: {type(e).__name__}: {e}"))
    return out


def table(runs=None):
    """claims.csv joined with the verdicts of each run: one row per (claim, run)."""
    claims = claims_table()
    out = []
    for run in load(runs):
        v = pd.DataFrame([x.as_row() for x in evaluate(run)])
        v.insert(0, "run", run.label)
        out.append(claims.merge(v, on="id", how="left"))
    return pd.concat(out, ignore_index=True) if out else claims.assign(verdict=NOT)


def record(run, verdicts=None):
    """claims.json's content (contextlab.claims/1) for one run."""
    verdicts = evaluate(run) if verdicts is None else verdicts
    c = claims_table().set_index("id")
    items = []
    for v in verdicts:
        item = v.as_record()
        if v.claim in c.index:
            row = c.loc[v.claim]
            item.update({k: str(row[k]) for k in ("quote", "claim", "source_title", "section", "metric")})
        items.append(item)
    counts = {w: sum(1 for v in verdicts if v.verdict == w) for w in VERDICTS}
    return {"format": CLAIMS_FORMAT, "run": run.name, "interval": "95% bootstrap over forks x iterations",
            "counts": counts, "verdicts": items}


def write(run):
    """Writes <run>/claims.json atomically (a temporary file renamed over it); returns its path."""
    data = record(run)
    formats.validate(data, CLAIMS_FORMAT, "claims.json")
    path = run.file("claims.json")
    fd, tmp = tempfile.mkstemp(prefix=".claims-", suffix=".json", dir=run.path)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=2, ensure_ascii=False, allow_nan=False)
            f.write("\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def fmt_measured(value, low, high, unit):
    """"value [low, high] unit", or "—" when not measured."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    v = f"{value:.3g}"
    if low is not None and high is not None and low == low and high == high:
        v += f" [{low:.3g}, {high:.3g}]"
    return f"{v} {unit}".strip()
