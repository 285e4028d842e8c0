"""The loader (contextlab.py): the on-disk format into tidy DataFrames. Behaviour only."""
import io
import json
import os
import sys
import tempfile
import unittest
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(HERE), HERE]
import contextlab as lab  # noqa: E402
import synthetic  # noqa: E402


class LoaderTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = self.tmp.name
        self.full = synthetic.make_run(self.root, measured=synthetic.ALL_SUITES, failed=(), skipped=())
        self.partial = synthetic.make_run(self.root, name="20260102T000000Z-partial", host="other",
                                          kernel="6.12.0")

    def tearDown(self):
        self.tmp.cleanup()

    def test_newest_run_is_the_default(self):
        runs = lab.load(root=self.root)
        self.assertEqual([r.name for r in runs], ["20260102T000000Z-partial"])

    def test_environment_variable_picks_runs(self):
        with mock.patch.dict(os.environ, {lab.RUNS_ENV: os.pathsep.join([self.full, self.partial])}):
            runs = lab.load(root=self.root)
        self.assertEqual([r.host for r in runs], ["synthetic", "other"])

    def test_runs_by_name_and_a_clear_error_for_a_wrong_one(self):
        self.assertEqual(lab.load(["20260101T000000Z-synthetic"], root=self.root)[0].path, self.full)
        with self.assertRaisesRegex(FileNotFoundError, "not a run directory"):
            lab.load(["no-such-run"], root=self.root)

    def test_labels_name_host_and_kernel(self):
        run = lab.Run(self.partial)
        self.assertIn("other", run.label)
        self.assertIn("6.12.0", run.label)
        self.assertEqual(run.cpu_ghz(), 2.0)

    def test_results_are_tidy_with_numeric_params(self):
        df = lab.results(lab.load([self.full, self.partial]))
        self.assertEqual(set(df["label"].map(lambda s: s.split(" ")[0])), {"synthetic", "other"})
        stacks = df[df["name"] == "PthreadStacks.startTouchAndPark"]
        self.assertTrue(stacks["p_touchBytes"].dtype.kind in "if", stacks["p_touchBytes"].dtype)
        self.assertEqual(sorted(set(stacks["p_touchBytes"])), [0, 4096, 16384, 65536, 1048576])
        ctl = df[(df["name"] == "EpollCtl.addDel") & (df["host"] == "synthetic")]
        self.assertIn("max", set(ctl["p_n"]))  # a word among numbers keeps the column as text
        for col in ("suite", "cls", "method", "score", "error", "unit", "params"):
            self.assertIn(col, df)
        self.assertTrue((df["error"] >= 0).all())

    def test_both_secondary_key_styles_are_one_metric(self):
        sec = lab.secondary(lab.load([self.full]))
        self.assertFalse(sec["metric"].str.startswith("\u00b7").any())
        switch = sec[sec["name"] == "NativeCoroutines.ucontextSwapcontext"]
        self.assertEqual(set(switch["metric"]), {"syscallsPerSwitch", "rtSigprocmaskPerSwitch"})  # '·' and bare
        self.assertIn("gc.alloc.rate.norm", set(sec["metric"]))

    def test_event_counters_are_read_per_iteration(self):
        sec = lab.secondary(lab.load([self.full]))
        row = sec[(sec["name"] == "NativeCoroutines.ucontextSwapcontext") & (sec["metric"] == "syscallsPerSwitch")].iloc[0]
        self.assertEqual(row["score"], 3.0)  # JMH's sum over 3 iterations
        self.assertEqual(row["value"], 1.0)  # one switch's syscalls
        avg = sec[(sec["metric"] == "rssBytesPerThread")].iloc[0]
        self.assertEqual(avg["value"], avg["score"])  # profiler metrics (AVG) are read as they are
        self.assertTrue(sec["error"].isna().any())  # JMH's "NaN" strings become NaN, not errors

    def test_wide_puts_secondary_metrics_beside_the_score(self):
        w = lab.wide(lab.load([self.full]))
        row = w[w["name"] == "NativeCoroutines.ucontextSwapcontext"].iloc[0]
        self.assertEqual(row["m:syscallsPerSwitch"], 1.0)

    def test_a_run_without_jmh_results_gives_empty_frames_with_columns(self):
        os.remove(os.path.join(self.partial, "jmh.json"))
        runs = lab.load([self.partial])
        self.assertTrue(lab.results(runs).empty)
        self.assertIn("score", lab.results(runs))
        self.assertIn("metric", lab.secondary(runs))
        self.assertTrue(lab.servers(runs).empty)

    def test_crosschecks_compare_time_and_secondary_metrics(self):
        xc = lab.crosschecks(lab.load([self.full])).set_index("check")
        self.assertAlmostEqual(xc.loc["getppid", "ratio"], 90.0 / 88.0)
        self.assertEqual(xc.loc["rss 16k", "metric"], "rssBytesPerThread")
        self.assertAlmostEqual(xc.loc["rss 16k", "jmh"], 16384 + 8192)
        self.assertTrue(xc["agrees"].all())

    def test_suite_fates_come_from_metadata(self):
        s = lab.suites(lab.load([self.partial])).set_index("suite")
        self.assertEqual(s.loc["sched", "status"], "failed")
        self.assertEqual(s.loc["stacks", "status"], "skipped")
        self.assertEqual(lab.Run(self.partial).suite_status("servers"), "absent")

    def test_servers_accept_json_and_csv_spellings(self):
        srv = lab.servers(lab.load([self.full]))
        self.assertEqual(set(srv["model"]), {"thread", "fork", "virtual", "nginx"})
        thread10 = srv[(srv["model"] == "thread") & (srv["concurrency"] == 10)].iloc[0]
        self.assertEqual(thread10["requests_per_s"], 11800)
        self.assertEqual(thread10["latency_p99_ms"], 3.0)  # servers.json's latency_us.p99 / 1000
        self.assertEqual(thread10["errors"], 0)            # the sum of errors.*
        self.assertEqual(srv[srv["status"] == "skipped"]["reason"].iloc[0], "beyond RLIMIT_NOFILE 20000")
        with open(os.path.join(self.partial, "servers.csv"), "w") as f:
            f.write("server,connections,rps\nnginx,10,50000\n")
        srv = lab.servers(lab.load([self.partial]))
        self.assertEqual(list(srv[["model", "concurrency", "requests_per_s"]].iloc[0]), ["nginx", 10, 50000])

    def test_fits(self):
        f = lab.fit_loglog([10, 100, 1000], [5, 50, 500])
        self.assertAlmostEqual(f["slope"], 1.0)
        self.assertIsNone(lab.fit_loglog([10, 10], [1, 2]))
        g = lab.fit_log([1, 2, 4, 8, 16], [10, 12, 14, 16, 18])
        self.assertAlmostEqual(g["b_per_doubling"], 2.0)
        self.assertLess(g["rss_log"], g["rss_linear"])

    def test_summary_needs_only_the_standard_library(self):
        out = io.StringIO()
        lab.summary(self.full, out=out)
        text = out.getvalue()
        self.assertIn("SyscallLoops.getppid", text)
        self.assertIn("agrees within 20%", text)  # the secondary-metric cross-check
        # the module imports without pandas: its top level must not import it
        with open(lab.__file__) as f:
            top = [l for l in f if l.startswith(("import ", "from "))]
        self.assertFalse([l for l in top if "pandas" in l or "numpy" in l or "matplotlib" in l], top)

    def test_reference_tables_name_their_source(self):
        for name in ("claims", "article-throughput"):
            df = lab.reference(name)
            self.assertIn("source_article", df)
            self.assertTrue(df["source_article"].notna().all())
            for src in df["source_article"].unique():
                self.assertTrue(os.path.exists(os.path.join("/work/shared/seeds", src)) or src.endswith(".txt"), src)
        t = lab.reference("article-throughput")
        self.assertEqual(sorted(t["table"].unique()), ["Fork mode, virtual machine", "Thread mode, physical machine",
                                                        "Thread mode, virtual machine"])


if __name__ == "__main__":
    unittest.main()
