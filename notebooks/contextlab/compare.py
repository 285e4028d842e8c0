"""Runs compared: `python3 -m contextlab compare RUN_A RUN_B [RUN_C ...] [--out DIR]` (`lab compare`).

Writes DIR/compare.json (contextlab.compare/1, datasets/schema/compare.v1.schema.json) and
DIR/compare.html. Every run after the first is compared with the first (A):
- benchmarks: per benchmark and params measured in both, ratio = B / A of JMH's primary score, with
  a 95% interval from a bootstrap over forks x iterations (JMH's rawData: forks resampled, then
  iterations within each fork, in both runs at once). `noise` is the larger of the two runs' own
  relative interval half-widths (the same bootstrap of each run's mean); a row is `significant`
  when its interval excludes 1 by more than that noise (low > 1 + noise or high < 1 - noise).
- verdict_changes: the claims whose verdict differs, from each run's claims.json (contextlab.claims/1)
  when both runs have one.
- environment_diff: every fact of metadata that differs, nested facts flattened to one key each
  (mitigations.spec_rstack_overflow, jdk.version, capabilities.CAP_BPF, ...).
- causes: rules tying a group of effects (kernel entry, Java code, native user-space code, thread
  handoffs, memory) to the differences that could explain it, each a hypothesis with its evidence.
Runs of the legacy format (contextlab.legacy) compare with current ones.
"""
import argparse
import json
import math
import os
import re
import sys

from . import formats
from .runs import Run, resolve

FORMAT = formats.COMPARE
CLAIMS = formats.CLAIMS
DRAWS = 2000
LEVEL = 0.95
SEED = 19

# Facts that are the run's bookkeeping, not its machine: never a difference.
NOT_FACTS = ("run", "started", "finished", "status", "command", "suites", "benchmarks", "warnings", "format",
             "git", "jmh.suites")

# Groups of benchmarks that move together for one reason, and the differences that could move them.
# kernel entry: a real system call made in a C loop (or through the JDK); "java": code the JIT compiles;
# native: C code in user space; handoff: a thread or process woken by another; memory: page faults, RSS.
GROUPS = (
    ("clock reads", r"SyscallLoops\.clockGettimeVdso|JavaCalls\.nanoTime",
     ("clocksource", "tsc_khz", "virtualization", "cpu_model", "kernel")),
    ("kernel entry", r"SyscallLoops\.(getppid|read1ByteDevZero|write1ByteDevNull)$|NativeCrossings\.getpid|"
                     r"EpollCtl\.|JavaCalls\.fileChannelRead1Byte|NopBatching\.getppid|SmallReads\.read$|"
                     r"PollScan\.|SelectScan\.",
     ("mitigations.", "cpu_model", "microcode", "kernel", "kernel_cmdline", "virtualization", "cpu_vendor",
      "cpu_family_model")),
    ("Java code", r"\.(JavaCalls\.(nonInlinedCall|baselineField)|Calls\.|StacklessGenerator\.|ContinuationYield\.|"
                  r"NativeCrossings\.empty)|io\.contextlab\.st(bench)?\.",
     ("jdk.", "cpu_model", "microcode", "frequency_governor", "turbo", "cpu_vendor", "cpu_family_model")),
    ("native user-space code", r"SyscallLoops\.(outOfLineCall|clockGettimeVdso|baselineEmptyLoop)|NativeCoroutines\.",
     ("cpu_model", "microcode", "gcc", "frequency_governor", "turbo", "clocksource", "cpu_vendor", "cpu_family_model")),
    ("thread and process handoffs", r"Handoff\.|NativePingPong\.|RunQueueHandoff\.",
     ("kernel", "virtualization", "cpus_online", "threads_per_core", "smt_active", "frequency_governor",
      "cpu_model", "loadavg", "mitigations.")),
    ("memory and faults", r"MinorFaults\.|PthreadStacks\.|SpawnCosts\.|PlatformThreadStacks\.",
     ("transparent_hugepages", "kernel", "memory.MemTotal", "cpu_model", "virtualization", "mitigations.")),
)
# Mitigations that add work to every kernel entry or return (the CPU's vulnerability files).
KERNEL_ENTRY_MITIGATIONS = ("meltdown", "spectre_v1", "spectre_v2", "spec_rstack_overflow", "retbleed", "mds",
                            "tsx_async_abort", "mmio_stale_data", "reg_file_data_sampling",
                            "indirect_target_selection", "its", "tsa", "bhi", "vmscape")
# Facts that move every benchmark at once (the broad rule).
MACHINE_WIDE = ("cpu_model", "microcode", "virtualization", "clocksource", "frequency_governor", "turbo",
                "cpus_online", "smt_active", "kernel")
BROAD_SHARE = 0.6
# A group moves together when at least this share of its compared rows is significant in one
# direction and the factors of those rows lie within this spread (max/min) of each other.
GROUP_SHARE = 0.5
GROUP_SPREAD = 2.0


def group_of(benchmark):
    for name, pattern, _ in GROUPS:
        if re.search(pattern, benchmark):
            return name
    return None


def higher_is_better(unit):
    """Throughput units (ops/s, items per second) grow when things get faster; times grow slower."""
    return bool(re.search(r"ops/|/s$|/ms$|/us$|/ns$", unit or "")) and not unit.endswith("/op")


# ---------------------------------------------------------------- the bootstrap

def _samples(result):
    """JMH's rawData of the primary metric: a list of forks, each a list of iteration values."""
    forks = [[formats.number(v) for v in fork] for fork in ((result.get("primaryMetric") or {}).get("rawData") or [])]
    forks = [[v for v in fork if math.isfinite(v)] for fork in forks]
    return [f for f in forks if f]


def _resampled_means(forks, rng, draws):
    """`draws` bootstrap means: forks drawn with replacement, then iterations within each drawn fork."""
    import numpy as np
    nf = len(forks)
    lengths = np.array([len(f) for f in forks])
    width = lengths.max()
    table = np.full((nf, width), np.nan)
    for i, f in enumerate(forks):
        table[i, :len(f)] = f
    fi = rng.integers(0, nf, size=(draws, nf))                        # which forks
    ii = (rng.random((draws, nf, width)) * lengths[fi][:, :, None]).astype(int)   # which iterations
    values = table[fi[:, :, None], ii]
    mask = np.arange(width)[None, None, :] < lengths[fi][:, :, None]
    return np.where(mask, values, 0).sum(axis=(1, 2)) / mask.sum(axis=(1, 2))


def bootstrap(forks_a, forks_b, draws=DRAWS, seed=SEED):
    """(ratio of means B/A, [low, high] of its 95% interval, A's relative half-width, B's)."""
    import numpy as np
    rng = np.random.default_rng(seed)
    lo_q, hi_q = (1 - LEVEL) / 2 * 100, (1 + LEVEL) / 2 * 100
    ma, mb = _resampled_means(forks_a, rng, draws), _resampled_means(forks_b, rng, draws)
    mean_a = float(np.mean([v for f in forks_a for v in f]))
    mean_b = float(np.mean([v for f in forks_b for v in f]))

    def half(m, mean):
        lo, hi = np.percentile(m, [lo_q, hi_q])
        return float((hi - lo) / 2 / abs(mean)) if mean else float("inf")

    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = mb / ma
    ratios = ratios[np.isfinite(ratios)]
    if mean_a == 0 or ratios.size == 0:
        return None, None, half(ma, mean_a), half(mb, mean_b)
    lo, hi = np.percentile(ratios, [lo_q, hi_q])
    return mean_b / mean_a, [float(lo), float(hi)], half(ma, mean_a), half(mb, mean_b)


def significant(ci, noise):
    return ci is not None and (ci[0] > 1 + noise or ci[1] < 1 - noise)


# ---------------------------------------------------------------- benchmarks

def _key(r):
    return r.get("suite") or "", r["benchmark"], json.dumps(r.get("params") or {}, sort_keys=True)


def benchmark_rows(run_a, run_b):
    """One row per (suite, benchmark, params) both runs measured in the same unit; with the keys
    measured by only one run counted in the second value."""
    a = {_key(r): r for r in run_a.jmh()}
    b = {_key(r): r for r in run_b.jmh()}
    rows = []
    for key in [k for k in a if k in b]:
        ra, rb = a[key], b[key]
        unit = (ra.get("primaryMetric") or {}).get("scoreUnit", "")
        if unit != (rb.get("primaryMetric") or {}).get("scoreUnit", ""):
            continue
        fa, fb = _samples(ra), _samples(rb)
        if not fa or not fb:
            continue
        ratio, ci, noise_a, noise_b = bootstrap(fa, fb)
        if ratio is None:
            continue
        noise = max(noise_a, noise_b)
        better = higher_is_better(unit)
        sig = significant(ci, noise)
        change = "same" if not sig else ("faster" if (ratio > 1) == better else "slower")
        rows.append({"suite": key[0], "benchmark": ra["benchmark"], "params": ra.get("params") or {},
                     "unit": unit, "a": sum(map(sum, fa)) / sum(map(len, fa)), "b": sum(map(sum, fb)) / sum(map(len, fb)),
                     "ratio": ratio, "ci": ci, "noise": noise, "significant": sig, "change": change,
                     "samples": [sum(map(len, fa)), sum(map(len, fb))], "group": group_of(ra["benchmark"])})
    rows.sort(key=lambda r: (r["suite"], -abs(math.log(r["ratio"])) if r["ratio"] > 0 else 0))
    only = (sum(1 for k in a if k not in b), sum(1 for k in b if k not in a))
    return rows, only


# ---------------------------------------------------------------- environment

def flatten(value, prefix=""):
    """{"mitigations": {"mds": "…"}} -> {"mitigations.mds": "…"}; lists stay whole (loadavg)."""
    out = {}
    if isinstance(value, dict):
        for k, v in value.items():
            out.update(flatten(v, f"{prefix}{k}."))
        return out
    out[prefix[:-1]] = value
    return out


def facts(run):
    """The run's facts, one flat key each: the environment's keys as they are (cpu_model,
    mitigations.mds, jdk.version, ...), then mode and jmh.*."""
    meta = run.meta
    out = flatten(meta.get("environment") or {})
    out["mode"] = meta.get("mode")
    for k, v in flatten({"jmh": meta.get("jmh") or {}}).items():
        if k not in NOT_FACTS:
            out[k] = v
    return out


def environment_diff(run_a, run_b):
    fa, fb = facts(run_a), facts(run_b)
    return [{"key": k, "a": fa.get(k), "b": fb.get(k)} for k in list(dict.fromkeys(list(fa) + list(fb)))
            if fa.get(k) != fb.get(k)]


# ---------------------------------------------------------------- claims

def claims_of(run):
    """{claim id: verdict record} from the run's claims.json (contextlab.claims/1), or None without one."""
    path = run.file("claims.json")
    if not os.path.exists(path):
        return None
    data = formats.read_json(path)
    if not isinstance(data, dict) or data.get("format") != CLAIMS:
        raise formats.FormatError(f"{path}: claims record of format {json.dumps(data.get('format') if isinstance(data, dict) else None)};"
                                  f" this code reads {CLAIMS} (update ContextLab to read it)")
    return {v["id"]: v for v in data.get("verdicts") or [] if isinstance(v, dict) and "id" in v}


def verdict_changes(run_a, run_b):
    """([changes], note): the claims whose verdict differs, or a note saying why none could be compared."""
    ca, cb = claims_of(run_a), claims_of(run_b)
    missing = [r.name for r, c in ((run_a, ca), (run_b, cb)) if c is None]
    if missing:
        return [], "claims not computed for " + ", ".join(missing) + " (no claims.json)"
    out = []
    for cid in [c for c in ca if c in cb]:
        va, vb = ca[cid], cb[cid]
        if va.get("verdict") != vb.get("verdict"):
            out.append({"id": cid, "a": va.get("verdict"), "b": vb.get("verdict"),
                        "a_value": va.get("value"), "b_value": vb.get("value"),
                        "a_ci": va.get("ci"), "b_ci": vb.get("ci"), "unit": vb.get("unit") or va.get("unit")})
    return out, f"{len(out)} of {len([c for c in ca if c in cb])} claims changed verdict"


# ---------------------------------------------------------------- causes

def _geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def _short(benchmark):
    return ".".join(benchmark.split(".")[-2:])


def _by_name(rows, most=8):
    """"SyscallLoops.getppid ×2.41, EpollCtl.mod ×2.30 (5 params), …": each benchmark once."""
    named = {}
    for r in rows:
        named.setdefault(_short(r["benchmark"]), []).append(r["ratio"])
    text = [f"{n} \u00d7{_geomean(v):.2f}" + (f" ({len(v)} params)" if len(v) > 1 else "") for n, v in named.items()]
    return ", ".join(text[:most]) + (f", and {len(text) - most} more" if len(text) > most else "")


def _shown(value):
    return "absent" if value is None else (value if isinstance(value, str) else json.dumps(value))


def causes(rows, diff, cpus=None):
    """Each group of benchmarks that moved together (GROUP_SHARE of its rows significant, one
    direction, factors within GROUP_SPREAD), tied to the recorded differences that could move it.
    Worded as hypotheses: the evidence is the effect and the difference side by side. Before them,
    when most rows moved one way, a machine-wide cause (_broad). cpus: {"a": n, "b": n}."""
    diffs = {d["key"]: d for d in diff}
    moved_groups = {}
    out = []
    for name, _, keys in GROUPS:
        members = [r for r in rows if r["group"] == name]
        if len(members) < 2:
            continue
        for direction in ("slower", "faster"):
            moved = [r for r in members if r["change"] == direction]
            if len(moved) < 2 or len(moved) < GROUP_SHARE * len(members):
                continue
            factors = [r["ratio"] for r in moved]
            # A group that moved one way by very different factors is still one effect to explain
            # (a mitigation costs each kernel entry a fixed time, so cheap calls grow most): it is
            # named, with "by factors from .. to .." instead of "by a similar factor".
            similar = max(factors) / min(factors) <= GROUP_SPREAD
            moved_groups[name] = direction
            factor = _geomean(factors)
            candidates = [k for k in diffs if any(k == p or (p.endswith(".") and k.startswith(p)) for p in keys)]
            mitigations = [k for k in candidates if k.startswith("mitigations.")
                           and k.split(".", 1)[1] in KERNEL_ENTRY_MITIGATIONS]
            named = (mitigations if name == "kernel entry" and mitigations else
                     [k for k in candidates if k.startswith("jdk.")] if name == "Java code" and
                     any(k.startswith("jdk.") for k in candidates) else candidates)
            examples = _by_name(moved)
            evidence = (f"{len(moved)} of {len(members)} {name} benchmarks {direction} in B, by \u00d7{factor:.2f} "
                        f"(from \u00d7{min(factors):.2f} to \u00d7{max(factors):.2f}): {examples}")
            if named:
                what = "; ".join(f"{k}: {_shown(diffs[k]['a'])} \u2192 {_shown(diffs[k]['b'])}" for k in named[:6])
                how = (f"by a similar factor (\u00d7{factor:.2f})" if similar else
                       f"by factors from \u00d7{min(factors):.2f} to \u00d7{max(factors):.2f}")
                hypothesis = (f"{name} is {direction} {how} while "
                              f"{', '.join(named[:6])} differ{'s' if len(named) == 1 else ''}: likely the cause"
                              + (" (a mitigation that adds work to every kernel entry or return)" if mitigations and name == "kernel entry" else "")
                              + f". Differences: {what}")
            else:
                how = (f"by a similar factor (\u00d7{factor:.2f})" if similar else
                       f"by factors from \u00d7{min(factors):.2f} to \u00d7{max(factors):.2f}")
                hypothesis = (f"{name} is {direction} {how} and no recorded "
                              "difference in metadata explains it: an unrecorded change (host load, neighbours, "
                              "the host's CPU under the same model name) or noise larger than each run shows")
            out.append({"group": name, "direction": direction, "factor": factor, "hypothesis": hypothesis,
                        "evidence": evidence, "benchmarks": [r["benchmark"] for r in moved], "differences": named})
    broad = _broad(rows, diffs, moved_groups, cpus or {})
    if broad:
        out.insert(0, broad)
    # The JDK rule: only Java-side code moved while the JDK differs and the native side stayed.
    jdk = [k for k in diffs if k.startswith("jdk.")]
    if jdk and "Java code" in moved_groups and not any(g in moved_groups for g in ("kernel entry", "native user-space code")):
        for c in out:
            if c["group"] == "Java code":
                c["hypothesis"] += ("; the C-side and kernel-entry benchmarks did not move, which points at the JDK "
                                    "rather than the CPU")
    return out


def _busy(diffs, side, cpus):
    """True when the run's 1-minute load at its start reached its CPU count."""
    load = (diffs.get("loadavg") or {}).get(side)
    return bool(isinstance(load, list) and load and isinstance(load[0], (int, float)) and load[0] >= (cpus.get(side) or 2))


def _broad(rows, diffs, moved_groups, cpus):
    """Most of all compared rows moved one way, each group by its own factor: a machine-wide cause."""
    for direction in ("slower", "faster"):
        moved = [r for r in rows if r["change"] == direction]
        if len(moved) < 3 or len(moved) < BROAD_SHARE * len(rows):
            continue
        factor = _geomean([r["ratio"] for r in moved])
        named = [k for k in MACHINE_WIDE if k in diffs]
        load = [f"{side.upper()} started on a busy machine (1-minute load {diffs['loadavg'][side][0]} on "
                f"{cpus.get(side)} CPUs)" for side in ("a", "b") if _busy(diffs, side, cpus)]
        if named or load:
            what = "; ".join([f"{k}: {_shown(diffs[k]['a'])} \u2192 {_shown(diffs[k]['b'])}" for k in named] + load)
            hypothesis = (f"nearly everything is {direction} in B (\u00d7{factor:.2f} overall): a machine-wide "
                          f"difference, likely {', '.join(named + (['the load'] if load else []))}. Differences: {what}")
        else:
            hypothesis = (f"nearly everything is {direction} in B (\u00d7{factor:.2f} overall) and no recorded "
                          "machine-wide fact differs: an unrecorded change (the host under the VM, neighbours)")
        evidence = (f"{len(moved)} of {len(rows)} results {direction} beyond noise, from \u00d7"
                    f"{min(r['ratio'] for r in moved):.2f} to \u00d7{max(r['ratio'] for r in moved):.2f}; "
                    + (f"groups that moved together: {', '.join(moved_groups)}" if moved_groups else
                       "no group moved by one similar factor") + f": {_by_name(moved)}")
        return {"group": "all benchmarks", "direction": direction, "factor": factor, "hypothesis": hypothesis,
                "evidence": evidence, "benchmarks": [r["benchmark"] for r in moved],
                "differences": named + (["loadavg"] if load else [])}
    return None


# ---------------------------------------------------------------- the record

def compare(run_a, run_b):
    rows, only = benchmark_rows(run_a, run_b)
    diff = environment_diff(run_a, run_b)
    changes, claims_note = verdict_changes(run_a, run_b)
    return {"a": run_a.name, "b": run_b.name, "a_label": run_a.label, "b_label": run_b.label,
            "only_in_a": only[0], "only_in_b": only[1], "benchmarks": rows, "verdict_changes": changes,
            "claims": claims_note, "environment_diff": diff,
            "causes": causes(rows, diff, {"a": facts(run_a).get("cpus_online"), "b": facts(run_b).get("cpus_online")})}


def record(runs):
    """contextlab.compare/1: the first run against each of the others. With two runs the top-level
    keys hold that one comparison; `comparisons` holds every pair (one entry for two runs)."""
    pairs = [compare(runs[0], b) for b in runs[1:]]
    first = pairs[0]
    return {"format": FORMAT,
            "runs": [{"name": r.name, "label": r.label, "legacy": r.legacy} for r in runs],
            "method": {"interval": f"{LEVEL:.0%} bootstrap over forks x iterations, {DRAWS} draws",
                       "significant": "the interval excludes 1 by more than the noise: the larger of the two "
                                      "runs' own relative 95% interval half-widths of their means",
                       "ratio": "B / A of JMH's primary score (for times, > 1 is slower; for throughput, faster)"},
            "benchmarks": first["benchmarks"], "verdict_changes": first["verdict_changes"],
            "environment_diff": first["environment_diff"], "causes": first["causes"],
            "comparisons": pairs}


def write(runs, out_dir):
    """compare.json (checked against its schema) and compare.html into out_dir; returns their paths."""
    from . import pages
    data = record(runs)
    formats.validate(data, FORMAT, "compare.json")
    os.makedirs(out_dir, exist_ok=True)
    path_json = os.path.join(out_dir, "compare.json")
    tmp = path_json + ".tmp"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=1, allow_nan=False)
        f.write("\n")
    os.replace(tmp, path_json)
    path_html = pages.write_compare(data, runs, out_dir)
    return path_json, path_html


def main(argv=None):
    p = argparse.ArgumentParser(prog="lab compare", description=__doc__.splitlines()[0])
    p.add_argument("runs", nargs="+", metavar="RUN", help="run directories or names under datasets/runs; "
                   "the first is A, each other is compared with it")
    p.add_argument("--out", help="where compare.json and compare.html go (default: <last run>/compare)")
    args = p.parse_args(argv)
    if len(args.runs) < 2:
        print("compare: give two runs or more (RUN_A RUN_B [RUN_C ...])", file=sys.stderr)
        return 2
    try:
        runs = [Run(resolve(r)) for r in args.runs]
        for r in runs:
            r.read_all()
        out = os.path.abspath(args.out or os.path.join(runs[-1].path, "compare"))
        path_json, path_html = write(runs, out)
    except (FileNotFoundError, formats.FormatError) as e:
        print(f"compare: {e}", file=sys.stderr)
        return 2
    except ImportError as e:
        print(f"compare: {e.name} is missing: install Debian's python3-numpy, python3-pandas and "
              "python3-matplotlib (scripts/lab does)", file=sys.stderr)
        return 2
    data = json.load(open(path_json))
    sig = sum(1 for r in data["benchmarks"] if r["significant"])
    print(f"compare: {len(data['benchmarks'])} results in both runs, {sig} differ beyond noise; "
          f"{len(data['environment_diff'])} facts differ; {len(data['causes'])} likely causes")
    for c in data["causes"]:
        print(f"  - {c['hypothesis']}")
    print(f"compare: {path_html}")
    print(f"compare: {path_json}")
    return 0
