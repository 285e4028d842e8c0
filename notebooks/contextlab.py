"""The one place that knows ContextLab's on-disk format (datasets/README.md describes it).

    python3 notebooks/contextlab.py summary RUN_DIR     # the table `lab run` ends with

A run directory holds jmh.json (JMH's JSON, each result tagged with its suite), metadata.json
(written by scripts/doctor.py), crosscheck.jsonl (outside references: independent C loops,
perf bench) and the log. The summary part uses the standard library only, so `lab run` can
print it before the notebook stack is installed.
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
        by_name = {r["benchmark"]: r for r in results if not r.get("params")}
        by_name.update({r["benchmark"] + "[" + params_text(r.get("params")) + "]": r for r in results})
        print("\nOutside references (same machine, same minute):", file=out)
        for c in checks:
            key = c["benchmark"] + ("[" + params_text(c["params"]) + "]" if c.get("params") else "")
            r = by_name.get(key)
            ref = c.get("ns_per_op")
            if r is None or ref is None:
                print(f"  {c['check']:44} reference {fmt(ref)} ns/op; no JMH result {key}", file=out)
                continue
            score = r["primaryMetric"]["score"]
            ratio = score / ref if ref else float("nan")
            tol = c.get("tolerance")
            verdict = ("shown for comparison" if tol is None else
                       f"agrees within {tol:.0%}" if abs(ratio - 1) <= tol else f"DIFFERS by more than {tol:.0%}")
            print(f"  {c['check']:44} JMH {fmt(score)} vs {fmt(ref)} ns/op: ratio {ratio:.3f}, {verdict}", file=out)

    suites = meta.get("suites", {})
    absent = {k: v for k, v in suites.items() if v.get("status") != "measured"}
    if absent:
        print("\nSuites not measured:", file=out)
        for name, v in absent.items():
            print(f"  {name}: {v.get('status')} {v.get('reason', '')}", file=out)
    for w in meta.get("warnings", []):
        print(f"warning: {w}", file=out)
    print(f"\n{len(results)} results, {meta.get('status')} run, {meta.get('mode')} mode: {run_dir}", file=out)


def main(argv):
    if len(argv) >= 2 and argv[0] == "summary":
        summary(argv[1])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
