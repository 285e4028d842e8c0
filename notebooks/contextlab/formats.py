"""The one place that knows a run's record formats and the versions this code reads.

Every record but jmh.json names its format (`"format": "contextlab.<record>/<N>"`) and is checked
against `datasets/schema/<record>.v<N>.schema.json` (JSON Schema 2020-12, python3-jsonschema)
when that file exists. A record of a format or version not listed in READS is refused with one
line naming the file, its format and the versions read here. The run format written before
contextlab.metadata/2 (metadata `"format": 1`) is read by contextlab.legacy, which converts its
records in memory into the shapes below.
"""
import json
import os
import re

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA_DIR = os.path.join(REPO, "datasets", "schema")

METADATA = "contextlab.metadata/2"
CROSSCHECK = "contextlab.crosscheck/2"   # paired checks (issue 16)
CROSSCHECK_V1 = "contextlab.crosscheck/1"
SERVERS = "contextlab.servers/4"
SERVERS_V3 = "contextlab.servers/3"   # still read: memory read after the sweep's load, no memory note (frames.server_memory)
SERVERS_V2 = "contextlab.servers/2"   # still read: no open loop, heap, driver check or wall time
SERVERS_V1 = "contextlab.servers/1"   # still read: no repetitions, no 2x2, memory or open loop
TRACE = "contextlab.trace/1"
SUITES = "contextlab.suites/1"
CLAIMS = "contextlab.claims/1"      # claims.json, written by contextlab.claims.write
COMPARE = "contextlab.compare/1"    # compare.json, written by contextlab.compare
LEGACY_METADATA = 1          # the run format of 2026-11-22 (contextlab.legacy)

# record -> the formats this code reads (the current one first)
READS = {"metadata": (METADATA, LEGACY_METADATA), "crosscheck": (CROSSCHECK, CROSSCHECK_V1), "servers": (SERVERS, SERVERS_V3, SERVERS_V2, SERVERS_V1),
         "trace": (TRACE,), "suites": (SUITES,), "claims": (CLAIMS,), "compare": (COMPARE,)}

NO_SCHEMA = "no schema"
VALID = "valid"


class FormatError(ValueError):
    """A record this code cannot read; str() is the one line to show the user."""


def describe_versions(record):
    return ", ".join(f"{v} (legacy)" if isinstance(v, int) else v for v in READS[record])


def refuse(path, record, found):
    shown = "none" if found is None else json.dumps(found)
    raise FormatError(f"{path}: {record} record of format {shown}; this code reads {describe_versions(record)}"
                      " (update ContextLab to read it)")


def format_of(record, data, path):
    """The record's `format`, refused unless it is one of READS[record]."""
    found = data.get("format") if isinstance(data, dict) else None
    if found not in READS[record]:
        refuse(path, record, found)
    return found


def schema_path(fmt, schema_dir=None):
    """contextlab.crosscheck/1 -> <schema dir>/crosscheck.v1.schema.json"""
    record, version = fmt.split(".", 1)[1].split("/")
    return os.path.join(schema_dir or SCHEMA_DIR, f"{record}.v{version}.schema.json")


_validators = {}


def validate(data, fmt, path, schema_dir=None):
    """VALID, or NO_SCHEMA when the schema file does not exist; an invalid record raises FormatError."""
    spath = schema_path(fmt, schema_dir)
    if not os.path.isfile(spath):
        return NO_SCHEMA
    validator = _validators.get(spath)
    if validator is None:
        from jsonschema import Draft202012Validator
        with open(spath) as f:
            schema = json.load(f)
        # The schemas' "$id" is a name (contextlab.<record>/<N>), not a URI: Debian's python3-jsonschema
        # (4.10) would join their "#/$defs/…" references with it into an address it cannot open.
        schema.pop("$id", None)
        validator = _validators[spath] = Draft202012Validator(schema)
    error = next(iter(sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise FormatError(f"{path}: not a valid {fmt} record at {where}: {error.message}")
    return VALID


def read_json(path):
    with open(path) as f:
        try:
            return json.load(f)
        except json.JSONDecodeError as e:
            raise FormatError(f"{path}: not JSON ({e})") from None


def read_lines(path):
    """JSON Lines: one object per non-empty line."""
    out = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise FormatError(f"{path}:{n}: not JSON ({e})") from None
    return out


def read_record(record, path, schema_dir=None):
    """A current-format record (metadata, servers, trace, suites), checked; (data, check result)."""
    data = read_json(path)
    fmt = format_of(record, data, path)
    if isinstance(fmt, int):
        refuse(path, record, fmt)  # legacy records are read through contextlab.legacy, never here
    return data, validate(data, fmt, path, schema_dir)


def read_crosschecks(path, schema_dir=None):
    """crosscheck.jsonl: (records, check result), each line a contextlab.crosscheck/2 (or /1) record."""
    records, checked = [], NO_SCHEMA
    for n, c in enumerate(read_lines(path), 1):
        fmt = format_of("crosscheck", c, f"{path}:{n}")
        checked = validate(c, fmt, f"{path}:{n}", schema_dir)
        records.append(c)
    return records, checked


def read_jmh(path):
    """jmh.json: JMH's own list of results, each with the key "suite" added by the run."""
    data = read_json(path)
    if not isinstance(data, list):
        raise FormatError(f"{path}: JMH results must be a JSON list (JMH's -rf json), found {type(data).__name__}")
    for i, r in enumerate(data):
        missing = [k for k in ("benchmark", "primaryMetric", "suite") if k not in r]
        if missing:
            raise FormatError(f"{path}: result {i} lacks {', '.join(missing)}")
    return data


def metric_name(key):
    """`·gc.alloc.rate.norm` (JMH < 1.36) and `gc.alloc.rate.norm` (JMH >= 1.36) are one metric."""
    return key.lstrip("\u00b7").strip()


def number(x):
    """JMH writes NaN and infinities as strings ("NaN"); everything else is a number or absent."""
    if x is None:
        return float("nan")
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")


def crosscheck_reason(c):
    """Why a cross-check is not `agrees`, from its record alone ("" when it agrees): differs, the
    ratio and its interval against 1 ± tolerance; drifting and inconclusive, the interval and both
    sides' spreads; info, the record's note (why it is shown and not judged); not-measured, that no
    pair had a JMH figure. A judged check's note (what differs in the work its two sides do, as
    its reference class reads the code) follows the verdict's reason."""
    verdict = c.get("verdict")
    if verdict == "agrees":
        return ""
    why = _verdict_reason(c, verdict)
    note = c.get("note")
    if note and verdict != "info":
        why += f". What the two sides do differently: {note}"
    return why


def _verdict_reason(c, verdict):
    tol = c.get("tolerance")
    ci = c.get("ratio_ci")
    ratio = c.get("ratio")
    spread = c.get("spread") or {}
    band = f"1 ± {tol:.0%}" if isinstance(tol, (int, float)) else "the tolerance"
    interval = (f"95% interval {ci[0]:.2f}–{ci[1]:.2f}" if ci and None not in ci
                else "no interval")
    ratio_text = f"ratio {ratio:.2f}" if isinstance(ratio, (int, float)) else "no ratio"
    pairs = c.get("pairs")

    def side(name, key):
        x = spread.get(key)
        if not isinstance(x, (int, float)):
            return f"{name} spread unknown"
        over = isinstance(tol, (int, float)) and x > tol
        return f"{name} ±{x:.0%}" + ((", over " if over else ", within ") + f"{tol:.0%}"
                                     if isinstance(tol, (int, float)) else "")

    spreads = f"spreads: {side('JMH', 'measured')}; {side('reference', 'reference')}"
    median_out = (isinstance(tol, (int, float)) and isinstance(ratio, (int, float)) and abs(ratio - 1) > tol)
    if verdict == "differs":
        return (f"{ratio_text}, {interval} over {pairs} pairs, wholly outside {band}: the JMH figure and its "
                f"reference disagree beyond the machine's noise ({spreads})")
    if verdict == "drifting":
        return (f"{ratio_text}, {interval} over {pairs} pairs, neither within nor wholly outside {band}; "
                f"both sides moved between pairs ({spreads}): the machine drifted, not the suite")
    if verdict == "inconclusive":
        return (f"{ratio_text}, {interval} over {pairs} pairs, across the edge of {band} ({spreads}); "
                + ("the median itself is outside the band: likely a real difference that these pairs cannot "
                   "establish" if median_out else
                   "the median is within the band: the interval is too wide to decide, not a sign of a difference"))
    if verdict == "info":
        note = c.get("note")
        return ("shown for information, not judged: " + note) if note else (
            f"shown for information, not judged (no tolerance); {ratio_text}, {interval}; the record gives no "
            "reason (written before cross-checks carried a note)")
    if verdict == "not-measured":
        return "no pair gave a JMH figure for this benchmark and params (see the run's log)"
    return f"verdict {verdict}: {ratio_text}, {interval}"


def metric_value(m):
    """The figure of one JMH metric: its score, except for @AuxCounters(Type.EVENTS) counters (unit
    "#"), whose score JMH sums over iterations and forks: for those, one iteration's mean."""
    if m.get("scoreUnit") == "#":
        raw = [number(v) for fork in (m.get("rawData") or []) for v in fork]
        return sum(raw) / len(raw) if raw else float("nan")
    return number(m.get("score"))


def suite_of(benchmark, jmh_suites):
    """The suite whose JMH include pattern selects a benchmark (metadata's jmh.suites), or None:
    the suite that measures it, as opposed to a step that re-runs it (the eBPF perturbation twins)."""
    for s in jmh_suites:
        if s.get("include") and re.search(s["include"], benchmark or ""):
            return s["name"]
    return None
