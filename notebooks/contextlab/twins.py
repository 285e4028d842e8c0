"""The eBPF profiler's own cost from the step ebpf-perturbation, read as paired rounds.

The step runs rounds, each one JMH fork per side (suites ebpf-untraced, ebpf-traced: the context
tier, ebpf-detail: the detail tier) in an order drawn per round (metadata.json: perturbation).
Each side's result in jmh.json holds its forks in round order and names them in its key
`rounds`. A tier's cost in round i is its fork i over the untraced fork of the same round; the
figure is the median of those ratios over the rounds, with a 95% bootstrap interval over rounds
(rounds drawn with replacement; the generator seeded from the benchmark and tier, as the claims'
are). Beside it, the probes' kernel-accounted cost (ebpf.overhead.ns/op, the loaded BPF programs'
run time per op) in ns and as a share of the untraced op of the same round.

A run before the paired step (one fork per side, minutes apart, no `rounds`) reads as one round:
its ratio has no interval, and `paired` is False.
"""
import math

import numpy as np

from . import formats
from .claims.core import BOOTSTRAP, Q, rng_for
from .runs import load

UNTRACED = "ebpf-untraced"
TIERS = {"context": "ebpf-traced", "detail": "ebpf-detail"}
PROBE = "ebpf.overhead.ns/op"
ROUNDS_KEY = "rounds"


def fork_means(raw):
    """The mean of each fork's iterations (rawData: a list per fork), NaN for an empty fork."""
    out = []
    for fork in raw or []:
        v = [x for x in (formats.number(y) for y in fork) if math.isfinite(x)]
        out.append(sum(v) / len(v) if v else float("nan"))
    return out


def by_round(result, metric=None):
    """{round: the fork's mean} of one result's primary metric, or of a secondary metric by name."""
    if metric is None:
        m = result.get("primaryMetric") or {}
    else:
        m = next((v for k, v in (result.get("secondaryMetrics") or {}).items() if formats.metric_name(k) == metric), {})
    means = fork_means(m.get("rawData"))
    rounds = result.get(ROUNDS_KEY) or list(range(1, len(means) + 1))
    return {int(r): x for r, x in zip(rounds, means) if math.isfinite(x)}


def median_q(values, rng, b=BOOTSTRAP):
    """The median of values as a Q: B replicates, each the median of values drawn with replacement."""
    v = np.asarray(values, float)
    if len(v) < 2:
        return Q(v[0] if len(v) else float("nan"), np.full(b, v[0] if len(v) else float("nan")))
    draws = np.median(v[rng.integers(0, len(v), size=(b, len(v)))], axis=1)
    return Q(float(np.median(v)), draws)


def _key(r):
    return r["benchmark"], tuple(sorted((r.get("params") or {}).items()))


def paired(run):
    """One row per benchmark, params and tier of a run's perturbation step: the rounds paired, each
    round's ratio, their median and 95% interval, and the probes' kernel-accounted cost per op
    (median over the paired rounds, in ns and as a share of that round's untraced op). Empty when
    the run has no untraced side."""
    results = run.jmh() if hasattr(run, "jmh") else run
    untraced = {_key(r): r for r in results if r.get("suite") == UNTRACED}
    rows = []
    for tier, suite in TIERS.items():
        for r in results:
            if r.get("suite") != suite or _key(r) not in untraced:
                continue
            base = by_round(untraced[_key(r)])
            traced = by_round(r)
            probe = by_round(r, PROBE)
            rounds = sorted(set(base) & set(traced))
            ratios = [traced[i] / base[i] for i in rounds if base[i] > 0]
            shares = [probe[i] / base[i] for i in rounds if i in probe and base[i] > 0]
            rng = rng_for(f"ebpf-perturbation:{r['benchmark']}:{_key(r)[1]}:{tier}")
            q = median_q(ratios, rng)
            share = median_q(shares, rng) if shares else None
            lo, hi = q.ci() if len(ratios) >= 2 else (float("nan"), float("nan"))
            slo, shi = share.ci() if share is not None and len(shares) >= 2 else (float("nan"), float("nan"))
            rows.append({"benchmark": r["benchmark"], "name": ".".join(r["benchmark"].split(".")[-2:]),
                         "params": ",".join(f"{k}={v}" for k, v in (r.get("params") or {}).items()),
                         "tier": tier, "rounds": len(ratios), "paired": ROUNDS_KEY in r,
                         "per_round": ratios, "ratio": q.point, "ci_low": lo, "ci_high": hi,
                         "untraced_ns": float(np.median([base[i] for i in rounds])) if rounds else float("nan"),
                         "probe_ns": float(np.median([probe[i] for i in rounds if i in probe])) if shares else float("nan"),
                         "probe_share": share.point if share is not None else float("nan"),
                         "probe_share_low": slo, "probe_share_high": shi,
                         "unit": (r.get("primaryMetric") or {}).get("scoreUnit", "")})
    return rows


def frame(runs=None):
    """paired() of each run as one DataFrame, with the run's name and label."""
    import pandas as pd
    rows = []
    for run in load(runs):
        rows += [{"run": run.name, "label": run.label, **row} for row in paired(run)]
    columns = ["run", "label", "benchmark", "name", "params", "tier", "rounds", "paired", "per_round", "ratio", "ci_low",
               "ci_high", "untraced_ns", "probe_ns", "probe_share", "probe_share_low", "probe_share_high", "unit"]
    return pd.DataFrame(rows, columns=columns)


def ratio_text(row):
    """"1.03 [0.99, 1.08] over 6 rounds", or the one ratio of an unpaired run."""
    if row["rounds"] >= 2 and math.isfinite(row["ci_low"]):
        return f"{row['ratio']:.3f} [{row['ci_low']:.3f}, {row['ci_high']:.3f}] over {row['rounds']} rounds"
    return f"{row['ratio']:.3f} (one {'round' if row['paired'] else 'fork per side, not paired'}: no interval)"


def probe_text(row):
    """"139 ns/op, 3.5% [3.1, 3.9] of the untraced op" (the probes' kernel-accounted cost)."""
    if not math.isfinite(row["probe_ns"]):
        return "no kernel-accounted cost recorded"
    share = f"{100 * row['probe_share']:.2g}%"
    if math.isfinite(row["probe_share_low"]):
        share += f" [{100 * row['probe_share_low']:.2g}, {100 * row['probe_share_high']:.2g}]"
    return f"{row['probe_ns']:.3g} ns/op, {share} of the untraced op"
