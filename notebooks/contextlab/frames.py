"""pandas DataFrames of runs: results, secondary metrics, cross-checks, servers, suites, and the
reference tables. Each function takes what contextlab.load takes (None = the default runs)."""
import os

import pandas as pd

from . import formats
from .runs import load

KEY_COLUMNS = ["run", "label", "host", "kernel", "suite", "own_suite", "benchmark", "cls", "method",
               "name", "mode", "threads", "params"]


def short_name(benchmark):
    """io.contextlab.syscalls.SyscallLoops.getppid -> SyscallLoops.getppid"""
    return ".".join(benchmark.split(".")[-2:])


def params_text(params):
    return ",".join(f"{k}={v}" for k, v in (params or {}).items())


def _key_columns(run, r):
    """The columns naming a result, then one column per JMH parameter, `p_<name>`."""
    bench = r["benchmark"]
    parts = bench.split(".")
    row = {"run": run.name, "label": run.label, "host": run.host, "kernel": run.kernel,
           "suite": r.get("suite", ""), "own_suite": r.get("suite") == run.suite_of(bench), "benchmark": bench,
           "cls": parts[-2] if len(parts) >= 2 else "", "method": parts[-1],
           "name": short_name(bench), "mode": r.get("mode", ""),
           "threads": r.get("threads"), "params": params_text(r.get("params"))}
    row.update({"p_" + k: v for k, v in (r.get("params") or {}).items()})
    return row


def _numeric_params(df):
    """Each `p_<name>` column made numeric where every value is a number."""
    for col in [c for c in df.columns if c.startswith("p_")]:
        values = df[col]
        numeric = pd.to_numeric(values, errors="coerce")
        if numeric[values.notna()].notna().all():
            df[col] = numeric
    return df


def _frame(rows, columns):
    """The rows as a DataFrame with numeric parameter columns; empty, the key columns and `columns`."""
    df = pd.DataFrame(rows)
    return _numeric_params(df) if not df.empty else pd.DataFrame(columns=KEY_COLUMNS + columns)


def results(runs=None):
    """Primary metrics, one row per (run, benchmark, params): score, error (99.9% half-width), unit."""
    rows = []
    for run in load(runs):
        for r in run.jmh():
            pm = r.get("primaryMetric") or {}
            row = _key_columns(run, r)
            ci = pm.get("scoreConfidence") or [None, None]
            row.update({"score": formats.number(pm.get("score")), "error": formats.number(pm.get("scoreError")),
                        "unit": pm.get("scoreUnit", ""), "ci_low": formats.number(ci[0]),
                        "ci_high": formats.number(ci[1]),
                        "samples": sum(len(fork) for fork in (pm.get("rawData") or [])),
                        "forks": r.get("forks")})
            rows.append(row)
    return _frame(rows, ["score", "error", "unit", "ci_low", "ci_high", "samples", "forks"])


def secondary(runs=None):
    """Secondary metrics (JMH profilers, @AuxCounters, the eBPF profiler), one row per metric.
    `value` is the figure to read (formats.metric_value): the score, except for
    @AuxCounters(Type.EVENTS) counters (unit "#"), summed by JMH: for those, one iteration's mean."""
    rows = []
    for run in load(runs):
        for r in run.jmh():
            for key, m in (r.get("secondaryMetrics") or {}).items():
                row = _key_columns(run, r)
                raw = [formats.number(v) for fork in (m.get("rawData") or []) for v in fork]
                row.update({"metric": formats.metric_name(key), "score": formats.number(m.get("score")),
                            "error": formats.number(m.get("scoreError")), "unit": m.get("scoreUnit", ""),
                            "per_iteration": sum(raw) / len(raw) if raw else float("nan"),
                            "iterations": len(raw), "value": formats.metric_value(m)})
                rows.append(row)
    return _frame(rows, ["metric", "score", "error", "unit", "per_iteration", "iterations", "value"])


def wide(runs=None):
    """results() with each secondary metric as a column `m:<metric>` beside the primary score."""
    df = results(runs)
    sec = secondary(runs)
    if sec.empty or df.empty:
        return df
    piv = sec.pivot_table(index=["run", "benchmark", "params"], columns="metric", values="value", aggfunc="first")
    piv.columns = ["m:" + c for c in piv.columns]
    return df.merge(piv.reset_index(), on=["run", "benchmark", "params"], how="left")


CROSSCHECK_COLUMNS = ["run", "label", "suite", "check", "benchmark", "params", "metric", "unit", "reference",
                      "command", "reference_value", "measured", "ratio", "ratio_low", "ratio_high", "pairs", "tolerance", "verdict", "why"]


def crosschecks(runs=None):
    """crosscheck.jsonl as the writer joined it: reference figure, JMH figure, ratio = JMH / reference,
    its 95% interval over the pairs (crosscheck/2; ratio_low = ratio_high = ratio for one pair of /1), verdict
    (agrees, differs, drifting, inconclusive, info, not-measured), and why when not agrees (formats.crosscheck_reason)."""
    rows = []
    for run in load(runs):
        for c in run.crosschecks():
            ref = c["reference"]
            ci = c.get("ratio_ci") or [c["ratio"], c["ratio"]]
            rows.append({"run": run.name, "label": run.label, "suite": c["suite"], "check": c["check"],
                         "benchmark": c["benchmark"], "params": params_text(c["params"]), "metric": c["metric"],
                         "unit": c["unit"], "reference": ref.get("method"), "command": ref.get("command"),
                         "reference_value": formats.number(ref.get("value")),
                         "measured": formats.number(c["measured"]), "ratio": formats.number(c["ratio"]),
                         "ratio_low": formats.number(ci[0]), "ratio_high": formats.number(ci[1]), "pairs": c["pairs"],
                         "tolerance": formats.number(c["tolerance"]), "verdict": c["verdict"],
                         "why": formats.crosscheck_reason(c)})
    return pd.DataFrame(rows, columns=CROSSCHECK_COLUMNS)


def suites(runs=None):
    """Each suite's fate in each run: measured, failed (reason), skipped (reason)."""
    rows = []
    for run in load(runs):
        for name, v in (run.meta.get("suites") or {}).items():
            rows.append({"run": run.name, "label": run.label, "suite": name, "status": v.get("status"),
                         "reason": v.get("reason") or "", "benchmarks": v.get("benchmarks")})
    return pd.DataFrame(rows, columns=["run", "label", "suite", "status", "reason", "benchmarks"])


SERVER_COLUMNS = ["run", "label", "model", "kind", "concurrency", "status", "reason", "requests_per_s",
                  "ok_requests_per_s", "latency_p50_ms", "latency_p99_ms", "latency_max_ms", "errors"]


def servers(runs=None):
    """servers.json's points (contextlab.servers/4, /3, /2 and /1), one row per model x concurrency x
    connection x repetition: nested fields flattened (latency_us.p99, server.threads, ...), each
    point's model `kind` from the servers list, latency_{p50,p99,max}_ms from latency_us, errors =
    the sum of errors.*, and `repetition` (1 for a v1 record, which measured each point once)."""
    frames = []
    for run in load(runs):
        data = run.servers()
        if data is None:
            continue
        kinds = {s["model"]: s.get("kind") for s in data.get("servers") or []}
        df = pd.json_normalize([dict(p, kind=kinds.get(p["model"]), repetition=p.get("repetition", 1))
                                for p in data["points"]])
        if df.empty:
            continue
        for q in ("p50", "p99", "max"):
            us = df[f"latency_us.{q}"] if f"latency_us.{q}" in df else pd.Series(float("nan"), index=df.index)
            df[f"latency_{q}_ms"] = pd.to_numeric(us, errors="coerce") / 1000.0
        error_cols = [c for c in df.columns if c.startswith("errors.")]
        df["errors"] = df[error_cols].apply(pd.to_numeric, errors="coerce").sum(axis=1, min_count=1) \
            if error_cols else float("nan")
        df.insert(0, "label", run.label)
        df.insert(0, "run", run.name)
        frames.append(df)
    if not frames:
        return pd.DataFrame(columns=SERVER_COLUMNS)
    df = pd.concat(frames, ignore_index=True)
    for col in ("concurrency", "requests_per_s", "ok_requests_per_s"):
        if col in df:
            df[col] = pd.to_numeric(df[col], errors="coerce")
    return df


def server_open_loop(runs=None):
    """servers.json's `open_loop` (v2 on): one row per run x model x repetition x rate, latency_us and
    send_lag_us flattened (latency_us.p99, ...); empty for v1 records, which have none."""
    rows = []
    for run in load(runs):
        data = run.servers()
        for o in (data or {}).get("open_loop") or []:
            rows.append(dict(o, run=run.name, label=run.label))
    return pd.json_normalize(rows) if rows else pd.DataFrame()


MEMORY_FIGURES = ("bytes_per_connection", "rss_bytes_per_connection", "heap_bytes_per_connection")
MEMORY_AFTER_LOAD = ("read after the sweep's load (servers.json v2/v3): memory that load left behind absorbed the"
                     " connections, so the figure is a lower bound, not comparable with v4's")


def server_memory(runs=None):
    """servers.json's `memory`: one row per run x model (bytes_per_connection, connections, answered,
    note, ...). v4 reads each model on an instance started afresh (settings.memory_method); v2 and v3
    read it after the sweep's load: their rows get `note` = MEMORY_AFTER_LOAD, and a figure of theirs
    that is not positive becomes NaN (v4 writes null with a note itself), so that no meaningless
    number is shown. `method`: "afresh" (v4) or "after load" (v2, v3)."""
    rows = []
    for run in load(runs):
        data = run.servers() or {}
        rows += [dict(memory_row(m, data.get("format")), run=run.name, label=run.label) for m in data.get("memory") or []]
    return pd.DataFrame(rows)


def memory_row(m, fmt):
    """One `memory` record of a servers.json of format fmt as server_memory shows it (see there)."""
    row = dict(m, method="afresh" if fmt == formats.SERVERS else "after load")
    if fmt != formats.SERVERS:
        notes = [MEMORY_AFTER_LOAD]
        for k in MEMORY_FIGURES:
            if row.get(k) is not None and row[k] <= 0:
                notes.append(f"{k} was {row[k]}: not positive, left out")
                row[k] = None
        row["note"] = "; ".join(notes)
    return row


def server_ratios(runs=None):
    """servers.json's ratios (v2 on) with their intervals: the nginx ratio (family "nginx") and thread/fork
    of the article's 2x2 (family py or c), one row each, ci split into ci_low and ci_high."""
    rows = []
    for run in load(runs):
        data = run.servers() or {}
        q = data.get("ratio_to_nginx")
        if q and data.get("format") in (formats.SERVERS, formats.SERVERS_V3, formats.SERVERS_V2):
            rows.append(dict(run=run.name, family="nginx", connection="keep-alive", concurrency=q["concurrency"],
                             model=q["best_java_model"], ratio=q["ratio"],
                             ci_low=(q.get("ci") or [None, None])[0], ci_high=(q.get("ci") or [None, None])[1]))
        for t in data.get("thread_fork") or []:
            rows.append(dict(run=run.name, family=t["family"], connection=t["connection"], concurrency=t["concurrency"],
                             model=f'{t["family"]}-thread/{t["family"]}-fork', ratio=t["ratio"],
                             ci_low=(t.get("ci") or [None, None])[0], ci_high=(t.get("ci") or [None, None])[1]))
    return pd.DataFrame(rows)


def reference(name):
    """A CSV of datasets/reference/ (claims, article-throughput) as a DataFrame."""
    return pd.read_csv(os.path.join(formats.REPO, "datasets", "reference", name + ".csv"))
