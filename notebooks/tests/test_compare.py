"""`python3 -m contextlab compare` (what `lab compare` runs): ratios with bootstrap intervals, the
noise rule, the environment's differences, verdict changes and the causes' rules, on synthetic
runs and on the run committed on 2026-11-22 (legacy format, from git history)."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
NOTEBOOKS = os.path.dirname(HERE)
sys.path[:0] = [NOTEBOOKS, HERE]
from contextlab import compare, formats, runs  # noqa: E402
import history  # noqa: E402
import synthetic  # noqa: E402

PYTHON = "/usr/bin/python3"
P = "io.contextlab."


def contextlab(*args):
    return subprocess.run([PYTHON, "-m", "contextlab", *args], cwd=NOTEBOOKS, capture_output=True, text=True)


def edit(run, results=None, environment=None):
    """Rewrites a synthetic run: results(list) changes jmh.json in place, environment(dict) its metadata."""
    if results:
        path = os.path.join(run, "jmh.json")
        with open(path) as f:
            data = json.load(f)
        results(data)
        with open(path, "w") as f:
            json.dump(data, f)
    if environment:
        path = os.path.join(run, "metadata.json")
        with open(path) as f:
            meta = json.load(f)
        environment(meta["environment"])
        with open(path, "w") as f:
            json.dump(meta, f)


def set_raw(data, benchmark, raw):
    for r in data:
        if r["benchmark"] == P + benchmark:
            r["primaryMetric"]["rawData"] = raw
            values = [v for fork in raw for v in fork]
            r["primaryMetric"]["score"] = sum(values) / len(values)


def scale(data, factor, where):
    for r in data:
        if where(r["benchmark"]):
            r["primaryMetric"]["rawData"] = [[v * factor for v in fork] for fork in r["primaryMetric"]["rawData"]]
            r["primaryMetric"]["score"] *= factor


def row(record, name):
    found = [r for r in record["benchmarks"] if r["benchmark"] == P + name and r["suite"] == name.split(".")[0]]
    assert len(found) == 1, (name, found)
    return found[0]


TIGHT = [[99.0, 100.0, 101.0, 100.0], [100.5, 99.5, 100.0, 100.0]]   # ~0.5% spread, two forks
NOISY = [[90.0, 110.0, 95.0, 105.0], [112.0, 88.0, 100.0, 100.0]]    # ~10% spread, two forks


class TwoSyntheticRunsTest(unittest.TestCase):
    """One benchmark 2x slower in B (tight data): significant. Another 3% slower in B but with
    ~10% noise in each run: not significant."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        a = synthetic.make_run(cls.tmp.name, name="20260101T000000Z-a", measured=("syscalls", "switches", "epoll"))
        b = synthetic.make_run(cls.tmp.name, name="20260102T000000Z-b", measured=("syscalls", "switches", "epoll"),
                               host="other")
        edit(a, results=lambda d: (set_raw(d, "syscalls.JavaCalls.nonInlinedCall", TIGHT),
                                   set_raw(d, "syscalls.JavaCalls.nanoTime", NOISY)))
        edit(b, results=lambda d: (set_raw(d, "syscalls.JavaCalls.nonInlinedCall", [[2 * v for v in f] for f in TIGHT]),
                                   set_raw(d, "syscalls.JavaCalls.nanoTime", [[1.03 * v for v in f] for f in NOISY])))
        cls.out = os.path.join(cls.tmp.name, "cmp")
        cls.done = contextlab("compare", a, b, "--out", cls.out)
        with open(os.path.join(cls.out, "compare.json")) as f:
            cls.record = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_writes_both_files_and_the_record_is_valid(self):
        self.assertEqual(self.done.returncode, 0, self.done.stdout + self.done.stderr)
        self.assertTrue(os.path.exists(os.path.join(self.out, "compare.html")))
        self.assertEqual(formats.validate(self.record, formats.COMPARE, "compare.json"), formats.VALID)
        self.assertEqual(self.record["format"], "contextlab.compare/1")
        for key in ("benchmarks", "verdict_changes", "environment_diff", "causes"):
            self.assertIn(key, self.record)
        for r in self.record["benchmarks"]:
            for key in ("benchmark", "params", "a", "b", "ratio", "ci", "significant"):
                self.assertIn(key, r)

    def test_twice_as_slow_is_significant(self):
        r = row(self.record, "syscalls.JavaCalls.nonInlinedCall")
        self.assertAlmostEqual(r["ratio"], 2.0, places=6)
        self.assertLess(r["ci"][0], 2.0)
        self.assertGreater(r["ci"][1], 2.0)
        self.assertTrue(r["significant"])
        self.assertEqual(r["change"], "slower")

    def test_three_percent_within_the_noise_is_not(self):
        r = row(self.record, "syscalls.JavaCalls.nanoTime")
        self.assertAlmostEqual(r["ratio"], 1.03, places=6)
        self.assertLess(r["ci"][0], 1.0 + r["noise"])
        self.assertGreater(r["noise"], 0.03)
        self.assertFalse(r["significant"])
        self.assertEqual(r["change"], "same")

    def test_identical_results_are_not_significant(self):
        r = row(self.record, "syscalls.SyscallLoops.getppid")
        self.assertAlmostEqual(r["ratio"], 1.0)
        self.assertFalse(r["significant"])

    def test_rows_grouped_by_suite_largest_effect_first(self):
        suites = [r["suite"] for r in self.record["benchmarks"]]
        self.assertEqual(suites, sorted(suites))
        syscalls = [abs(r["ratio"] - 1) for r in self.record["benchmarks"] if r["suite"] == "syscalls"]
        self.assertEqual(syscalls[0], max(syscalls))

    def test_the_host_differs_and_claims_are_not_computed(self):
        self.assertIn({"key": "host", "a": "synthetic", "b": "other"}, self.record["environment_diff"])
        self.assertEqual(self.record["verdict_changes"], [])
        self.assertIn("claims not computed", self.record["comparisons"][0]["claims"])

    def test_the_page_names_both_runs(self):
        with open(os.path.join(self.out, "compare.html")) as f:
            page = f.read()
        self.assertIn("20260101T000000Z-a", page)
        self.assertIn("20260102T000000Z-b", page)
        self.assertNotIn("Traceback", page)


class CausesTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.a = synthetic.make_run(self.tmp.name, name="20260101T000000Z-intel", measured=("syscalls", "switches", "epoll"))
        self.b = synthetic.make_run(self.tmp.name, name="20260102T000000Z-amd", measured=("syscalls", "switches", "epoll"))

    def tearDown(self):
        self.tmp.cleanup()

    def record(self):
        return compare.record([runs.Run(self.a), runs.Run(self.b)])

    def test_kernel_entry_slower_with_a_mitigation_that_differs(self):
        def env(e):
            e["cpu_model"] = "AMD EPYC"
            e["mitigations"] = dict(e["mitigations"], spec_rstack_overflow="Mitigation: Safe RET")
        edit(self.b, results=lambda d: scale(d, 2.4, lambda b: compare.group_of(b) == "kernel entry"), environment=env)
        rec = self.record()
        keys = [d["key"] for d in rec["environment_diff"]]
        self.assertIn("mitigations.spec_rstack_overflow", keys)
        self.assertIn("cpu_model", keys)
        kernel = [c for c in rec["causes"] if c["group"] == "kernel entry"]
        self.assertEqual(len(kernel), 1, rec["causes"])
        self.assertEqual(kernel[0]["direction"], "slower")
        self.assertAlmostEqual(kernel[0]["factor"], 2.4, places=3)
        self.assertIn("mitigations.spec_rstack_overflow", kernel[0]["differences"])
        self.assertIn("Safe RET", kernel[0]["hypothesis"])
        self.assertIn("getppid", kernel[0]["evidence"])
        self.assertFalse([c for c in rec["causes"] if c["group"] == "Java code"])

    def test_only_java_code_moved_while_the_jdk_differs(self):
        def env(e):
            e["jdk"] = dict(e["jdk"], version="26", vm_version="26+1")
        edit(self.b, results=lambda d: scale(d, 0.7, lambda b: compare.group_of(b) == "Java code"), environment=env)
        rec = self.record()
        java = [c for c in rec["causes"] if c["group"] == "Java code"]
        self.assertEqual(len(java), 1, rec["causes"])
        self.assertEqual(java[0]["direction"], "faster")
        self.assertEqual(java[0]["differences"], ["jdk.version", "jdk.vm_version"])
        self.assertIn("points at the JDK", java[0]["hypothesis"])

    def test_no_cause_without_a_group_that_moved(self):
        self.assertEqual(self.record()["causes"], [])

    def test_verdict_changes_from_both_runs_claims(self):
        for path, verdict in ((self.a, "holds"), (self.b, "inconclusive")):
            with open(os.path.join(path, "claims.json"), "w") as f:
                json.dump({"format": "contextlab.claims/1", "verdicts": [
                    {"id": "call-2ns", "verdict": verdict, "value": 2.0, "ci": [1.9, 2.1], "unit": "ns", "detail": ""},
                    {"id": "kernel-entry-10-cycles", "verdict": "holds", "value": 9.0, "ci": [8.0, 9.5], "unit": "cycles",
                     "detail": ""}]}, f)
        rec = self.record()
        self.assertEqual([(v["id"], v["a"], v["b"]) for v in rec["verdict_changes"]],
                         [("call-2ns", "holds", "inconclusive")])
        self.assertEqual(formats.validate(rec, formats.COMPARE, "compare.json"), formats.VALID)


class FlattenTest(unittest.TestCase):
    def test_every_nested_fact_on_its_own_key(self):
        self.assertEqual(compare.flatten({"mitigations": {"mds": "x"}, "jdk": {"version": "25"}, "loadavg": [1, 2, 3]}),
                         {"mitigations.mds": "x", "jdk.version": "25", "loadavg": [1, 2, 3]})


class LabelTest(unittest.TestCase):
    def test_labels_name_the_cpu_model_and_the_host(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = synthetic.make_run(tmp, host="box")
            edit(path, environment=lambda e: e.update(cpu_model="AMD EPYC 7B13 64-Core Processor"))
            label = runs.Run(path).label
        self.assertTrue(label.startswith("box \u00b7 AMD EPYC 7B13 \u00b7 6.1.0-test"), label)

    def test_cpu_short(self):
        self.assertEqual(runs.cpu_short("Intel(R) Xeon(R) Processor @ 2.80GHz"), "Intel Xeon 2.80GHz")
        self.assertEqual(runs.cpu_short(None), "unknown CPU")


class LegacyAgainstCurrentTest(unittest.TestCase):
    def test_the_2026_11_22_run_compares_with_a_current_format_run(self):
        legacy = history.legacy_run()
        with tempfile.TemporaryDirectory() as tmp:
            current = synthetic.make_run(tmp, measured=("syscalls", "switches", "epoll"))
            out = os.path.join(tmp, "cmp")
            done = contextlab("compare", legacy, current, "--out", out)
            self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
            with open(os.path.join(out, "compare.json")) as f:
                rec = json.load(f)
            self.assertTrue(os.path.exists(os.path.join(out, "compare.html")))
        self.assertEqual([r["legacy"] for r in rec["runs"]], [True, False])
        self.assertTrue(rec["benchmarks"])
        keys = {d["key"] for d in rec["environment_diff"]}
        self.assertIn("cpu_model", keys)
        self.assertTrue(any(k.startswith("mitigations.") for k in keys))
        self.assertNotIn("jdk.path", keys)   # the legacy reader drops the JVM's path

    def test_one_run_is_refused_in_one_line(self):
        done = contextlab("compare", "20261122T163714Z-vm")
        self.assertEqual(done.returncode, 2)
        self.assertEqual(len(done.stderr.strip().splitlines()), 1, done.stderr)


if __name__ == "__main__":
    unittest.main()
