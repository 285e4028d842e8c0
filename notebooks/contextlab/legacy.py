"""The explicit reader of the run format written before contextlab.metadata/2: the run committed
on 2026-11-22 (datasets/runs/20261122T163714Z-vm, git commit 744622c) and any run like it.

That format: metadata.json with `"format": 1`; crosscheck.jsonl lines without a format, naming a
benchmark, its params and a reference figure (`ns_per_op`, or `value` + `unit` + `metric`) but not
the JMH figure, which the reader joins; perf-bench.txt (the outside references' raw output, now
references.log); servers.json in contextlab.servers/1 with the JVM's path; traces/trace.json with
`"format": 1`. Each is converted here, in memory, into the current shape (contextlab.formats), so
everything downstream sees one shape.
"""
import os

from . import formats

ENVIRONMENT_ADDED = ("microcode", "cpu_vendor", "cpu_family_model", "tsc_khz")  # not recorded by v1
NOT_RECORDED = "not recorded (legacy run)"   # a cross-check's reference.command: v1 kept only a sentence


# Benchmarks renamed since the legacy format (old name -> current name), applied when a legacy
# run's jmh.json is read so that claims name one benchmark.
RENAMED = {"io.contextlab.sched.RunQueueHandoff.handoff": "io.contextlab.sched.WaitBehindTimeSlices.handoff"}


def renamed(results):
    """jmh.json results of a legacy run with benchmarks renamed since then under their current names."""
    for r in results:
        r["benchmark"] = RENAMED.get(r["benchmark"], r["benchmark"])
    return results


def instant(text):
    """v1's ISO-8601 UTC "…+00:00" as the current records write it, "…Z"; None stays None."""
    return text[:-6] + "Z" if isinstance(text, str) and text.endswith("+00:00") else text


def is_legacy(meta):
    return isinstance(meta, dict) and meta.get("format") == formats.LEGACY_METADATA


def _require(data, keys, path):
    missing = [k for k in keys if k not in data]
    if missing:
        raise formats.FormatError(f"{path}: legacy (format 1) record lacks {', '.join(missing)}")


def metadata(meta, run_dir, results):
    """metadata.json of format 1 -> the contextlab.metadata/2 shape."""
    path = os.path.join(run_dir, "metadata.json")
    _require(meta, ("started", "status", "mode", "environment", "suites"), path)
    env = {k: v for k, v in (meta.get("environment") or {}).items()}
    env["jdk"] = {k: v for k, v in (env.get("jdk") or {}).items() if k != "path"}
    for k in ENVIRONMENT_ADDED:
        env.setdefault(k, None)
    jmh = meta.get("jmh") or {}
    args = "quick_args" if meta.get("mode") == "quick" else "full_args"
    flags = jmh.get("fork_jvm_flags")
    counts = {}
    for r in results:
        counts[r.get("suite")] = counts.get(r.get("suite"), 0) + 1
    return {
        "format": formats.METADATA, "run": os.path.basename(os.path.abspath(run_dir)),
        "started": instant(meta.get("started")), "finished": instant(meta.get("finished")),
        "status": meta.get("status"),
        "mode": meta.get("mode"), "command": meta.get("command"),
        "git": meta.get("git") or {"commit": None, "dirty": None},
        "environment": env, "warnings": list(meta.get("warnings") or []),
        "jmh": {"version": jmh.get("version"),
                "fork_jvm_flags": flags if isinstance(flags, list) else [],  # v1: a sentence, not the flags
                "suites": [{"name": s.get("name"), "include": s.get("include"), "args": s.get(args)}
                           for s in jmh.get("suites") or []]},
        "suites": {name: {"status": s.get("status"), "reason": s.get("reason"), "started": None,
                          "finished": instant(s.get("at")), "benchmarks": counts.get(name)}
                   for name, s in (meta.get("suites") or {}).items()},
        "benchmarks": meta.get("benchmarks", len(results)),
    }


def joined(benchmark, params, metric, results, suite):
    """The JMH figure a cross-check compares with: the result of `benchmark` with exactly `params`
    measured by `suite` (not a twin re-run by another step), its primary score, or the figure of
    the secondary metric `metric` (formats.metric_value); None when the run lacks it."""
    for r in results:
        if r.get("benchmark") == benchmark and (r.get("params") or {}) == (params or {}) and r.get("suite") == suite:
            if metric == "primary":
                return formats.number((r.get("primaryMetric") or {}).get("score"))
            for key, m in (r.get("secondaryMetrics") or {}).items():
                if formats.metric_name(key) == metric:
                    return formats.metric_value(m)
            return None
    return None


def verdict(measured, reference, tolerance):
    """ratio = measured / reference; agrees within tolerance, differs, info (no tolerance), not-measured."""
    ratio = measured / reference if measured is not None and measured == measured and reference else None
    if ratio is None:
        return None, "not-measured"
    if tolerance is None:
        return ratio, "info"
    return ratio, "agrees" if abs(ratio - 1) <= tolerance else "differs"


def crosscheck(line, results, jmh_suites, path):
    """One format-less cross-check line -> a contextlab.crosscheck/1 record, the JMH side joined."""
    _require(line, ("check", "benchmark", "reference", "tolerance"), path)
    if "ns_per_op" in line:
        value, unit, metric = line["ns_per_op"], "ns/op", "primary"
    else:
        _require(line, ("value", "unit", "metric"), path)
        value, unit, metric = line["value"], line["unit"], line["metric"]
    params = {k: str(v) for k, v in (line.get("params") or {}).items()}
    suite = formats.suite_of(line["benchmark"], jmh_suites)
    measured = joined(line["benchmark"], params, metric, results, suite)
    ratio, said = verdict(measured, value, line["tolerance"])
    return {"format": formats.CROSSCHECK_V1, "suite": suite, "check": line["check"],
            "benchmark": line["benchmark"], "params": params, "metric": metric, "unit": unit,
            "reference": {"command": NOT_RECORDED, "method": line["reference"], "value": value, "samples": []},
            "measured": measured, "ratio": ratio, "ratio_ci": None, "pairs": 1,
            "tolerance": line["tolerance"], "verdict": said}


def crosschecks(path, results, jmh_suites):
    lines = formats.read_lines(path)
    for n, line in enumerate(lines, 1):
        if "format" in line:
            formats.refuse(f"{path}:{n}", "crosscheck", line["format"])
    return [crosscheck(line, results, jmh_suites, f"{path}:{n}") for n, line in enumerate(lines, 1)]


def servers(path):
    """servers.json of a legacy run: contextlab.servers/1 with the JVM's path, which the current
    writer replaces by its version."""
    data = formats.read_json(path)
    if formats.format_of("servers", data, path) != formats.SERVERS_V1:
        formats.refuse(path, "servers", data.get("format"))
    _require(data, ("points",), path)
    env = dict(data.get("environment") or {})
    env.pop("java", None)
    return dict(data, environment=env)


def trace(path):
    """traces/trace.json of format 1 -> contextlab.trace/1 (the same keys)."""
    data = formats.read_json(path)
    if data.get("format") != 1:
        formats.refuse(path, "trace", data.get("format"))
    return dict(data, format=formats.TRACE)


REFERENCES_LOG = "perf-bench.txt"   # now references.log
