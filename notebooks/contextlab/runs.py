"""Run directories: find them, open one, read its records in the current shape (contextlab.formats;
a run of the legacy format is converted by contextlab.legacy)."""
import os
import re

from . import formats, legacy

RUNS = os.path.join(formats.REPO, "datasets", "runs")
RUNS_ENV = "CONTEXTLAB_RUNS"   # run directories for the notebooks, os.pathsep-separated (set by report)


def run_dirs(root=RUNS):
    """Complete run directories under root, oldest first (their names start with a UTC stamp)."""
    if not os.path.isdir(root):
        return []
    names = sorted(n for n in os.listdir(root) if not n.startswith(".")
                   and os.path.isfile(os.path.join(root, n, "metadata.json")))
    return [os.path.join(root, n) for n in names]


def newest(root=RUNS):
    dirs = run_dirs(root)
    if not dirs:
        raise FileNotFoundError(f"no run under {os.path.relpath(root)}: run scripts/lab run first")
    return dirs[-1]


def resolve(arg, root=RUNS):
    """A run directory from a path, a run name under datasets/runs, or 'newest'."""
    if arg in (None, "", "newest", "latest"):
        return newest(root)
    if os.path.isfile(os.path.join(arg, "metadata.json")):
        return arg
    candidate = os.path.join(root, arg)
    if os.path.isfile(os.path.join(candidate, "metadata.json")):
        return candidate
    raise FileNotFoundError(f"{arg} is not a run directory (no metadata.json): pass a directory "
                            f"under datasets/runs or its name")


def kernel_release(meta):
    kernel = (meta.get("environment") or {}).get("kernel") or ""
    parts = kernel.split()
    return parts[1] if len(parts) >= 2 else (kernel or "unknown kernel")


def cpu_short(model):
    """A CPU model as a label shows it: "Intel(R) Xeon(R) Processor @ 2.80GHz" -> "Intel Xeon 2.80GHz",
    "AMD EPYC 7B13 64-Core Processor" -> "AMD EPYC 7B13"; None -> "unknown CPU"."""
    text = re.sub(r"\((R|TM|tm|r)\)", "", model or "")
    text = re.sub(r"\b(CPU|Processor|[0-9]+-Core)\b|@", " ", text)
    return " ".join(text.split()) or "unknown CPU"


class Run:
    """One run directory: its path, metadata (contextlab.metadata/2 shape) and a label naming host,
    CPU model, kernel and time. `legacy` is true for a run of the 2026-11-22 format, read by contextlab.legacy."""

    def __init__(self, path, schema_dir=None):
        self.path = os.path.abspath(path)
        self.name = os.path.basename(self.path.rstrip(os.sep))
        self.schema_dir = schema_dir
        self.checks = {}  # file -> "valid", "no schema" or "legacy" for each record read
        meta_path = os.path.join(self.path, "metadata.json")
        raw = formats.read_json(meta_path)
        formats.format_of("metadata", raw, meta_path)
        self.legacy = legacy.is_legacy(raw)
        self._jmh = None
        if self.legacy:
            self.meta = legacy.metadata(raw, self.path, self.jmh())
            self.checks["metadata.json"] = "legacy"
        else:
            self.checks["metadata.json"] = formats.validate(raw, formats.METADATA, meta_path, schema_dir)
            self.meta = raw
        env = self.meta.get("environment") or {}
        self.host = env.get("host") or "unknown host"
        self.kernel = kernel_release(self.meta)
        self.cpu = cpu_short(env.get("cpu_model"))
        stamp = self.name.split("-", 1)[0]
        self.label = f"{self.host} \u00b7 {self.cpu} \u00b7 {self.kernel} \u00b7 {stamp}"

    def file(self, name):
        return os.path.join(self.path, name)

    def jmh(self):
        """jmh.json's results (a list; empty when the run has none)."""
        if self._jmh is None:
            path = self.file("jmh.json")
            self._jmh = formats.read_jmh(path) if os.path.exists(path) else []
            if self.legacy:
                self._jmh = legacy.renamed(self._jmh)
        return self._jmh

    def crosschecks(self):
        """contextlab.crosscheck/2 (or /1) records (joined by legacy.crosscheck for a legacy run)."""
        path = self.file("crosscheck.jsonl")
        if not os.path.exists(path):
            return []
        if self.legacy:
            self.checks["crosscheck.jsonl"] = "legacy"
            return legacy.crosschecks(path, self.jmh(), self.meta["jmh"]["suites"])
        records, self.checks["crosscheck.jsonl"] = formats.read_crosschecks(path, self.schema_dir)
        return records

    def _record(self, name, record, legacy_reader):
        """A JSON record file of the run (current: checked against its schema; legacy: converted),
        or None when the run has none."""
        path = self.file(name)
        if not os.path.exists(path):
            return None
        if self.legacy:
            self.checks[name] = "legacy"
            return legacy_reader(path)
        data, self.checks[name] = formats.read_record(record, path, self.schema_dir)
        return data

    def servers(self):
        """servers.json (contextlab.servers/4, /3, /2 or /1, each checked against its schema; a legacy
        run's /1 through legacy.servers), or None when the run has none."""
        return self._record("servers.json", "servers", legacy.servers)

    def trace(self):
        """traces/trace.json (contextlab.trace/1), or None."""
        return self._record("traces/trace.json", "trace", legacy.trace)

    def claims(self):
        """claims.json (contextlab.claims/1, written by the analysis: contextlab.claims.write), checked
        against its schema; None when the run has none yet."""
        path = self.file("claims.json")
        if not os.path.exists(path):
            return None
        data, self.checks["claims.json"] = formats.read_record("claims", path, self.schema_dir)
        return data

    def references_log(self):
        """The outside references' raw output (references.log; perf-bench.txt in a legacy run), or ""."""
        path = self.file(legacy.REFERENCES_LOG if self.legacy else "references.log")
        if not os.path.exists(path):
            return ""
        with open(path, errors="replace") as f:
            return f.read()

    def read_all(self):
        """Reads every record of the run (refusing what this code cannot read); {file: check}."""
        self.jmh()
        self.crosschecks()
        self.servers()
        self.trace()
        return dict(self.checks)

    def suite_of(self, benchmark):
        """The suite that measures a benchmark (its JMH include pattern in metadata's jmh.suites), or
        None; a result of another suite is a step's re-run (the eBPF perturbation twins)."""
        return formats.suite_of(benchmark, (self.meta.get("jmh") or {}).get("suites") or [])

    def suite_status(self, suite):
        """'measured', 'failed', 'skipped', ... or 'absent' when the run never knew the suite."""
        return ((self.meta.get("suites") or {}).get(suite) or {}).get("status", "absent")

    def suite_reason(self, suite):
        return ((self.meta.get("suites") or {}).get(suite) or {}).get("reason") or ""

    def __repr__(self):
        return f"Run({self.label})"


def load(runs=None, root=RUNS):
    """The runs to analyse, as a list of Run: the arguments, else $CONTEXTLAB_RUNS, else the newest."""
    if runs is None:
        env = os.environ.get(RUNS_ENV, "").strip()
        runs = [p for p in env.split(os.pathsep) if p] if env else [None]
    if isinstance(runs, (str, os.PathLike, Run)):
        runs = [runs]
    return [r if isinstance(r, Run) else Run(resolve(os.fspath(r) if r is not None else None, root))
            for r in runs]
