"""Every record of every committed run is read through its format's reader (the legacy format by
contextlab.legacy, the current one against datasets/schema); unknown formats are refused in one line."""
import json
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(HERE), HERE]
import contextlab as lab  # noqa: E402
from contextlab import formats, legacy  # noqa: E402
import history  # noqa: E402
import synthetic  # noqa: E402

FIXTURE_SCHEMAS = os.path.join(HERE, "schema")   # DESIGN.md's shapes, as test fixtures
RECORDS = ("metadata.json", "crosscheck.jsonl", "servers.json", "traces/trace.json")


class CommittedRunsTest(unittest.TestCase):
    def test_every_committed_run_is_read_through_its_format_s_reader(self):
        for path in lab.run_dirs():
            with self.subTest(run=os.path.basename(path)):
                run = lab.Run(path)
                checks = run.read_all()
                self.assertIn("metadata.json", checks)
                expected = {"legacy"} if run.legacy else {formats.VALID, formats.NO_SCHEMA}
                self.assertLessEqual(set(checks.values()), expected, checks)
                if not run.legacy:  # the current format: valid wherever the schema exists
                    for name, said in checks.items():
                        self.assertEqual(said, formats.VALID, f"{name}: datasets/schema has no schema for it")
                self.assertEqual(run.meta["format"], formats.METADATA)


class LegacyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.old = lab.Run(history.legacy_run())

    def test_the_2026_11_22_run_is_legacy_and_converted_to_the_current_shapes(self):
        self.assertTrue(self.old.legacy)
        self.assertEqual(self.old.read_all(), {"metadata.json": "legacy", "crosscheck.jsonl": "legacy",
                                               "servers.json": "legacy"})
        # the converted records have the current shapes: DESIGN.md's (the fixture schemas) and
        # datasets/schema's where a schema exists
        for schemas in (FIXTURE_SCHEMAS, None):
            formats.validate(self.old.meta, formats.METADATA, "metadata.json", schemas)
            for c in self.old.crosschecks():
                formats.validate(c, formats.CROSSCHECK_V1, "crosscheck.jsonl", schemas)
            formats.validate(self.old.servers(), formats.SERVERS_V1, "servers.json", schemas)
        self.assertNotIn("path", self.old.meta["environment"]["jdk"])
        self.assertIn("perf bench", self.old.references_log())

    def test_cross_checks_are_joined_by_the_one_rule(self):
        checks = self.old.crosschecks()
        self.assertTrue(checks)
        results = self.old.jmh()
        for c in checks:
            self.assertEqual(c["suite"], c["benchmark"].split(".")[2])
            mine = [r for r in results if r["benchmark"] == c["benchmark"] and (r.get("params") or {}) == c["params"]
                    and r["suite"] == c["suite"]]
            self.assertEqual(len(mine), 1, c["check"])  # one result: the twins of other steps never join
            if c["metric"] == "primary":
                self.assertEqual(c["measured"], mine[0]["primaryMetric"]["score"])
            self.assertAlmostEqual(c["ratio"], c["measured"] / c["reference"]["value"])
            expected = "info" if c["tolerance"] is None else \
                "agrees" if abs(c["ratio"] - 1) <= c["tolerance"] else "differs"
            self.assertEqual(c["verdict"], expected, c["check"])
        events = [c for c in checks if c["metric"] == "rtSigprocmaskPerSwitch"]
        self.assertTrue(events and events[0]["measured"] < 2)  # a per-iteration count, not JMH's sum

    def test_a_suite_s_own_results_are_told_from_a_step_s_re_runs(self):
        df = lab.results([self.old])
        self.assertTrue(df[df["suite"] == "st"]["own_suite"].all())  # io.contextlab.stbench: suite st
        twins = df[df["suite"].isin(["ebpf-untraced", "ebpf-traced"])]
        self.assertFalse(twins.empty)
        self.assertFalse(twins["own_suite"].any())

    def test_verdict_words(self):
        self.assertEqual(legacy.verdict(None, 10.0, 0.1), (None, "not-measured"))
        self.assertEqual(legacy.verdict(11.0, 10.0, None)[1], "info")
        self.assertEqual(legacy.verdict(11.0, 10.0, 0.15)[1], "agrees")
        self.assertEqual(legacy.verdict(12.0, 10.0, 0.15)[1], "differs")


class CurrentFormatTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.path = synthetic.make_run(self.tmp.name, measured=synthetic.ALL_SUITES, failed=(), skipped=())

    def tearDown(self):
        self.tmp.cleanup()

    def test_a_synthetic_current_run_validates_against_the_fixture_schemas(self):
        run = lab.Run(self.path, schema_dir=FIXTURE_SCHEMAS)
        self.assertFalse(run.legacy)
        self.assertEqual(run.read_all(), {name: formats.VALID for name in RECORDS})

    def test_and_against_datasets_schema_where_a_schema_exists(self):
        checks = lab.Run(self.path).read_all()
        for name, said in checks.items():
            record = os.path.basename(name).split(".")[0]
            fmt = {"metadata": formats.METADATA, "crosscheck": formats.CROSSCHECK_V1, "servers": formats.SERVERS,
                   "trace": formats.TRACE}[record]
            exists = os.path.isfile(formats.schema_path(fmt))
            self.assertEqual(said, formats.VALID if exists else formats.NO_SCHEMA, name)

    def test_without_a_schema_the_reader_says_so(self):
        with tempfile.TemporaryDirectory() as empty:
            self.assertEqual(set(lab.Run(self.path, schema_dir=empty).read_all().values()), {formats.NO_SCHEMA})

    def test_a_misspelt_key_fails_its_schema(self):
        meta_path = os.path.join(self.path, "metadata.json")
        with open(meta_path) as f:
            meta = json.load(f)
        meta["benchmark"] = meta.pop("benchmarks")
        with open(meta_path, "w") as f:
            json.dump(meta, f)
        with self.assertRaisesRegex(formats.FormatError, "not a valid contextlab.metadata/2 record"):
            lab.Run(self.path, schema_dir=FIXTURE_SCHEMAS)

    def rewrite(self, name, change):
        path = os.path.join(self.path, name)
        if name.endswith(".jsonl"):
            with open(path) as f:
                lines = [json.loads(l) for l in f if l.strip()]
            with open(path, "w") as f:
                f.writelines(json.dumps(change(l)) + "\n" for l in lines)
        else:
            with open(path) as f:
                data = json.load(f)
            with open(path, "w") as f:
                json.dump(change(data), f)
        return path

    def assert_refused(self, read, path, found, reads):
        with self.assertRaises(formats.FormatError) as caught:
            read()
        line = str(caught.exception)
        self.assertEqual(len(line.splitlines()), 1, line)
        self.assertIn(path, line)
        self.assertIn(found, line)
        self.assertIn(reads, line)

    def test_an_unknown_format_or_version_is_refused_in_one_line(self):
        path = self.rewrite("metadata.json", lambda m: dict(m, format="contextlab.metadata/3"))
        self.assert_refused(lambda: lab.Run(self.path), path, "contextlab.metadata/3", "contextlab.metadata/2, 1 (legacy)")
        path = self.rewrite("metadata.json", lambda m: {k: v for k, v in m.items() if k != "format"})
        self.assert_refused(lambda: lab.Run(self.path), path, "none", "contextlab.metadata/2")

    def test_each_record_names_its_own_format(self):
        self.rewrite("metadata.json", lambda m: dict(m, format=formats.METADATA))
        path = self.rewrite("crosscheck.jsonl", lambda c: dict(c, format="contextlab.crosscheck/3"))
        self.assert_refused(lambda: lab.Run(self.path).crosschecks(), path + ":1", "contextlab.crosscheck/3",
                            "contextlab.crosscheck/2, contextlab.crosscheck/1")
        path = self.rewrite("servers.json", lambda s: dict(s, format="contextlab.servers/0"))
        self.assert_refused(lambda: lab.Run(self.path).servers(), path, "contextlab.servers/0", "contextlab.servers/1")
        path = self.rewrite("traces/trace.json", lambda t: dict(t, format=1))
        self.assert_refused(lambda: lab.Run(self.path).trace(), path, "1", "contextlab.trace/1")

    def test_a_legacy_cross_check_line_in_a_current_run_is_refused(self):
        path = self.rewrite("crosscheck.jsonl", lambda c: {k: v for k, v in c.items() if k != "format"})
        self.assert_refused(lambda: lab.Run(self.path).crosschecks(), path + ":1", "none", "contextlab.crosscheck/2, contextlab.crosscheck/1")


if __name__ == "__main__":
    unittest.main()


class CrosscheckReasonTest(unittest.TestCase):
    """Every cross-check that does not agree says why, from its record alone."""

    @staticmethod
    def check(verdict, ratio=1.0, ci=(0.95, 1.05), spread=(0.02, 0.03), tolerance=0.1, **more):
        c = {"verdict": verdict, "ratio": ratio, "ratio_ci": list(ci), "pairs": 5, "tolerance": tolerance,
             "spread": {"measured": spread[0], "reference": spread[1]}}
        c.update(more)
        return c

    def test_agrees_needs_no_reason(self):
        self.assertEqual(formats.crosscheck_reason(self.check("agrees")), "")

    def test_differs_gives_ratio_and_interval_outside_the_band(self):
        why = formats.crosscheck_reason(self.check("differs", 1.3, (1.2, 1.4)))
        self.assertIn("ratio 1.30", why)
        self.assertIn("1.20–1.40", why)
        self.assertIn("wholly outside 1 ± 10%", why)

    def test_drifting_gives_both_spreads(self):
        why = formats.crosscheck_reason(self.check("drifting", 1.0, (0.7, 1.2), (0.2, 0.15)))
        self.assertIn("JMH ±20%, over 10%", why)
        self.assertIn("reference ±15%, over 10%", why)
        self.assertIn("machine drifted", why)

    def test_inconclusive_says_whether_the_median_is_inside_the_band(self):
        inside = formats.crosscheck_reason(self.check("inconclusive", 1.02, (0.85, 1.12), (0.08, 0.03)))
        self.assertIn("median is within the band", inside)
        outside = formats.crosscheck_reason(self.check("inconclusive", 1.24, (1.07, 1.53), (0.23, 0.09)))
        self.assertIn("median itself is outside the band", outside)
        self.assertIn("JMH ±23%, over 10%", outside)

    def test_info_gives_the_record_s_note_or_says_it_has_none(self):
        why = formats.crosscheck_reason(self.check("info", 9.5, tolerance=None, note="meant to differ"))
        self.assertEqual(why, "shown for information, not judged: meant to differ")
        self.assertIn("the record gives no reason", formats.crosscheck_reason(self.check("info", tolerance=None)))

    def test_a_judged_check_s_note_says_what_the_two_sides_do_differently(self):
        note = "the C loop is single-threaded"
        why = formats.crosscheck_reason(self.check("differs", 1.2, (1.15, 1.3), note=note))
        self.assertIn("wholly outside 1 ± 10%", why)
        self.assertTrue(why.endswith("What the two sides do differently: " + note), why)
        self.assertNotIn(note, formats.crosscheck_reason(self.check("drifting", 1.0, (0.7, 1.2), (0.2, 0.15))))
        self.assertEqual(formats.crosscheck_reason(self.check("agrees", note=note)), "")
        info = formats.crosscheck_reason(self.check("info", 9.5, tolerance=None, note=note))
        self.assertEqual(info.count(note), 1)

    def test_not_measured_says_no_pair_measured_it(self):
        c = {"verdict": "not-measured", "ratio": None, "ratio_ci": None, "pairs": 0, "tolerance": 0.1, "spread": {}}
        self.assertIn("no pair gave a JMH figure", formats.crosscheck_reason(c))

    def test_the_crosschecks_frame_has_why_for_every_check_that_does_not_agree(self):
        for path in lab.run_dirs():
            run = lab.Run(path)
            if run.legacy:
                continue
            df = lab.crosschecks([path])
            with self.subTest(run=os.path.basename(path)):
                self.assertTrue((df[df["verdict"] != "agrees"]["why"] != "").all())
                self.assertTrue((df[df["verdict"] == "agrees"]["why"] == "").all())
