"""The loader (contextlab.runs, contextlab.frames): a run's records into tidy DataFrames. Behaviour only."""
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

    def test_crosschecks_are_read_as_written(self):
        xc = lab.crosschecks(lab.load([self.full])).set_index("check")
        self.assertAlmostEqual(xc.loc["getppid", "ratio"], 90.0 / 88.0)
        self.assertAlmostEqual(xc.loc["getppid", "measured"], 90.0)
        self.assertEqual(xc.loc["getppid", "suite"], "syscalls")
        self.assertEqual(xc.loc["rss 16k", "metric"], "rssBytesPerThread")
        self.assertAlmostEqual(xc.loc["rss 16k", "measured"], 16384 + 8192)
        # no JMH side: not measured; the small-process fork beside the JVM's forkWait: info
        self.assertEqual(list(xc["verdict"]), ["agrees", "not-measured", "info", "agrees"])

    def test_suite_fates_come_from_metadata(self):
        s = lab.suites(lab.load([self.partial])).set_index("suite")
        self.assertEqual(s.loc["sched", "status"], "failed")
        self.assertEqual(s.loc["stacks", "status"], "skipped")
        self.assertEqual(lab.Run(self.partial).suite_status("servers"), "absent")

    def test_servers_points_are_flattened(self):
        srv = lab.servers(lab.load([self.full]))
        self.assertEqual(set(srv["model"]), {"thread", "fork", "virtual", "nginx", "py-thread", "py-fork"})
        thread10 = srv[(srv["model"] == "thread") & (srv["concurrency"] == 10)].iloc[0]
        self.assertEqual(thread10["requests_per_s"], 11800)
        self.assertEqual(thread10["latency_p99_ms"], 3.0)  # servers.json's latency_us.p99 / 1000
        self.assertEqual(thread10["errors"], 0)            # the sum of errors.*
        self.assertEqual(thread10["kind"], "java")         # from the servers list
        self.assertEqual(srv[srv["status"] == "skipped"]["reason"].iloc[0], "beyond RLIMIT_NOFILE 20000")

    def test_memory_read_after_load_is_marked_and_a_figure_not_positive_left_out(self):
        from contextlab import formats, frames
        old = frames.memory_row({"model": "nginx", "bytes_per_connection": 0, "rss_bytes_per_connection": -5,
                                 "heap_bytes_per_connection": None}, formats.SERVERS_V3)
        self.assertEqual(old["method"], "after load")
        self.assertIsNone(old["bytes_per_connection"])
        self.assertIsNone(old["rss_bytes_per_connection"])
        self.assertIn("bytes_per_connection was 0", old["note"])
        kept = frames.memory_row({"model": "thread", "bytes_per_connection": 9, "note": None}, formats.SERVERS_V2)
        self.assertEqual(kept["bytes_per_connection"], 9)
        self.assertTrue(kept["note"].startswith(frames.MEMORY_AFTER_LOAD))
        new = frames.memory_row({"model": "nginx", "bytes_per_connection": None, "note": "PSS ... not above"},
                                formats.SERVERS)
        self.assertEqual((new["method"], new["note"]), ("afresh", "PSS ... not above"), "v4 as written")

    def test_a_servers_csv_is_not_read(self):
        with open(os.path.join(self.partial, "servers.csv"), "w") as f:
            f.write("server,connections,rps\nnginx,10,50000\n")
        self.assertTrue(lab.servers(lab.load([self.partial])).empty)

    def test_fits(self):
        f = lab.fit_loglog([10, 100, 1000], [5, 50, 500])
        self.assertAlmostEqual(f["slope"], 1.0)
        self.assertIsNone(lab.fit_loglog([10, 10], [1, 2]))
        g = lab.fit_log([1, 2, 4, 8, 16], [10, 12, 14, 16, 18])
        self.assertAlmostEqual(g["b_per_doubling"], 2.0)
        self.assertLess(g["rss_log"], g["rss_linear"])

    def test_the_report_command_needs_no_pandas_before_it_checks_the_tools(self):
        # contextlab, contextlab.report and __main__ import pandas, numpy and matplotlib only when used
        for name in ("__init__.py", "report.py", "__main__.py", "formats.py", "runs.py", "legacy.py", "registry.py"):
            with open(os.path.join(os.path.dirname(lab.__file__), name)) as f:
                top = [l for l in f if l.startswith(("import ", "from "))]
            self.assertFalse([l for l in top if "pandas" in l or "numpy" in l or "matplotlib" in l], (name, top))

    def test_reference_tables_cite_the_articles_by_title(self):
        titles = {"Process, thread, coroutine, synchronous, asynchronous, callback, and Python callback in python",
                  "协程的原理和应用 (Principles and applications of coroutines)"}
        for name in ("claims", "article-throughput"):
            df = lab.reference(name)
            self.assertLessEqual(set(df["source_title"]), titles, name)
        self.assertTrue(lab.reference("claims")["section"].notna().all())
        t = lab.reference("article-throughput")
        self.assertEqual(sorted(t["table"].unique()), ["Fork mode, virtual machine", "Thread mode, physical machine",
                                                        "Thread mode, virtual machine"])

    def test_no_path_of_a_machine_in_the_analysis_or_its_docs(self):
        notebooks = os.path.dirname(HERE)
        repo = os.path.dirname(notebooks)
        files = [os.path.join(repo, "datasets", "README.md")]
        for top in (notebooks, os.path.join(repo, "datasets", "reference")):
            for d, _, names in os.walk(top):
                files += [os.path.join(d, n) for n in names if n.endswith((".py", ".ipynb", ".md", ".csv", ".json"))
                          and "__pycache__" not in d]
        marker = "/" + "work" + "/"  # spelt in two so that this file passes its own test
        offenders = []
        for path in files:
            with open(path, encoding="utf-8") as f:
                if marker in f.read():
                    offenders.append(os.path.relpath(path, repo))
        self.assertFalse(offenders)

if __name__ == "__main__":
    unittest.main()
