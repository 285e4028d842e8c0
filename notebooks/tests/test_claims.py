"""The claims table: a row for every claim in claims.csv, verdicts by the stated rules; every
benchmark and metric a claim names exists (a rename breaks this test, not a verdict)."""
import json
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(HERE), HERE]
import contextlab as lab  # noqa: E402
from contextlab import claims  # noqa: E402
import history  # noqa: E402
import synthetic  # noqa: E402

# Benchmarks or metrics the claims name that the 2026-11-22 run did not measure (name: why).
# Benchmarks added (or renamed) after the 2026-11-22 run: {name: why}.
NOT_MEASURED_ON_2026_11_22 = {
    "io.contextlab.sched.SchedulerCost.pass": "issue 17: the direct O(log m) experiment",
    "io.contextlab.sched.WaitBehindTimeSlices.handoff": "issue 17: RunQueueHandoff renamed for what it measures",
}


class ClaimsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.full = synthetic.make_run(cls.tmp.name, measured=synthetic.ALL_SUITES, failed=(), skipped=())
        cls.partial = synthetic.make_run(cls.tmp.name, name="20260102T000000Z-partial")
        cls.ids = list(lab.reference("claims")["id"])

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_every_claim_has_a_rule_and_a_plot(self):
        self.assertEqual(sorted(claims.REGISTRY), sorted(self.ids))
        c = lab.reference("claims")
        self.assertTrue(c["plot"].str.endswith(".png").all())
        self.assertEqual(len(set(self.ids)), len(self.ids))
        notebooks = {n[:-6] for n in os.listdir(os.path.dirname(HERE)) if n.endswith(".ipynb")}
        self.assertTrue(set(c["notebook"].str[:-6]) <= notebooks)

    def test_the_issue_s_claims_are_all_there(self):
        wanted = {"call-2ns", "coroutine-switch-50ns", "kernel-entry-10-cycles", "swapcontext-enters-kernel",
                  "stack-demand-paged", "stack-not-returned", "epoll-ctl-log-n", "epoll-wait-ready",
                  "epoll-et-fewer", "thread-mode-peak", "fork-10x-slower", "accept-wakes-one", "cfs-log-m"}
        self.assertLessEqual(wanted, set(self.ids))

    def test_table_has_a_row_per_claim_per_run(self):
        t = claims.table(lab.load([self.full, self.partial]))
        self.assertEqual(len(t), 2 * len(self.ids))
        for _, per_run in t.groupby("run"):
            self.assertEqual(sorted(per_run["id"]), sorted(self.ids))
        self.assertTrue(t["verdict"].isin(claims.VERDICTS).all(), t["verdict"].unique())

    def test_every_claim_is_measured_in_a_complete_run(self):
        t = claims.table(lab.load([self.full])).set_index("id")
        missing = t[t["verdict"] == claims.NOT]
        self.assertTrue(missing.empty, missing[["detail"]])

    def test_shaped_data_gets_the_expected_verdicts(self):
        t = claims.table(lab.load([self.full])).set_index("id")["verdict"]
        self.assertEqual(t["call-2ns"], claims.HOLDS)
        self.assertEqual(t["coroutine-switch-50ns"], claims.FAILS)   # asm switch 3 ns
        self.assertEqual(t["kernel-entry-10-cycles"], claims.FAILS)  # ~180 cycles
        self.assertEqual(t["swapcontext-enters-kernel"], claims.HOLDS)
        self.assertEqual(t["epoll-ctl-log-n"], claims.HOLDS)
        self.assertEqual(t["poll-select-scan"], claims.HOLDS)
        self.assertEqual(t["accept-wakes-one"], claims.HOLDS)
        self.assertEqual(t["readiness-vs-completion"], claims.HOLDS)  # 1/512 syscalls/op, 60 ns < getppid
        self.assertEqual(t["epoll-no-regular-files"], claims.HOLDS)   # EPERM, O_DIRECT reads grow the carriers
        self.assertEqual(t["cfs-log-m"], claims.HOLDS)
        self.assertEqual(t["fork-10x-slower"], claims.HOLDS)
        self.assertEqual(t["epoll-wait-ready"], claims.HOLDS)
        self.assertEqual(t["epoll-et-fewer"], claims.HOLDS)
        self.assertEqual(t["stack-demand-paged"], claims.HOLDS)
        self.assertEqual(t["stack-not-returned"], claims.HOLDS)
        self.assertEqual(t["setjmp-no-syscall"], claims.HOLDS)

    def test_a_claim_without_its_metric_is_not_measured_not_judged_on_another_quantity(self):
        jmh = os.path.join(self.full, "jmh.json")
        with open(jmh) as f:
            original = json.load(f)
        stripped = [dict(r, secondaryMetrics={k: v for k, v in r["secondaryMetrics"].items()
                                              if k not in ("syscallsPerSwitch", "bytesPerVirtualThread")})
                    for r in original]
        try:
            with open(jmh, "w") as f:
                json.dump(stripped, f)
            t = claims.table(lab.load([self.full])).set_index("id")
        finally:
            with open(jmh, "w") as f:
                json.dump(original, f)
        for cid, metric in (("swapcontext-enters-kernel", "syscallsPerSwitch"), ("setjmp-no-syscall", "syscallsPerSwitch"),
                            ("vthread-many-coroutines", "bytesPerVirtualThread")):
            self.assertEqual(t.loc[cid, "verdict"], claims.NOT, cid)
            self.assertIn(metric, t.loc[cid, "detail"])

    def test_perturbation_twins_stay_out_of_the_claims(self):
        t = claims.table(lab.load([self.full])).set_index("id")
        self.assertAlmostEqual(t.loc["kernel-entry-10-cycles", "measured"], (90.0 - 0.3) * 2.0)
        self.assertIn("m=2 ", t.loc["cfs-log-m", "detail"])
        self.assertIn("2300 ns", t.loc["cfs-log-m", "detail"])

    def test_event_counters_are_per_iteration_not_summed(self):
        t = claims.table(lab.load([self.full])).set_index("id")
        self.assertEqual(t.loc["swapcontext-enters-kernel", "measured"], 1.0)  # not 3.0, JMH's sum

    def test_words_for_the_largest_parameter_resolve_to_numbers(self):
        ev = claims.Evidence(lab.Run(self.full))
        ctl = claims.with_x(ev, ev.rows("epoll_ctl"), "n", ("epoll_ctl", "registered"))
        self.assertEqual(sorted(ctl["x"]), [10, 100, 1000, 10000, 19900])  # n=max -> registeredFds
        wait = claims.with_x(ev, ev.rows("epoll_wait"), "r")
        self.assertIn(10000, set(wait["x"]))  # r=all -> n

    def test_herd_wakeups_are_per_connection(self):
        h = claims.herd_table(claims.Evidence(lab.Run(self.full)))
        shared = h[(h["p_style"] == "sharedEpoll") & (h["waiters"] == 8)]["wakeups_per_connection"]
        self.assertAlmostEqual(shared.iloc[0], 7.2)

    def test_missing_suites_are_not_measured_with_the_reason(self):
        t = claims.table(lab.load([self.partial])).set_index("id")
        for cid in ("stack-demand-paged", "stack-not-returned", "process-spawn-costly"):
            self.assertEqual(t.loc[cid, "verdict"], lab.NOT_MEASURED)
            self.assertIn("stacks skipped", t.loc[cid, "detail"])
        self.assertIn("sched failed", t.loc["cfs-log-m", "detail"])
        self.assertEqual(t.loc["fork-10x-slower", "verdict"], lab.NOT_MEASURED)
        self.assertNotEqual(t.loc["call-2ns", "verdict"], lab.NOT_MEASURED)

    def test_a_broken_result_costs_one_row_not_the_table(self):
        original = claims.REGISTRY["call-2ns"]
        claims.REGISTRY["call-2ns"] = lambda ev: 1 / 0
        try:
            t = claims.table(lab.load([self.full])).set_index("id")
        finally:
            claims.REGISTRY["call-2ns"] = original
        self.assertEqual(t.loc["call-2ns", "verdict"], lab.NOT_MEASURED)
        self.assertIn("ZeroDivisionError", t.loc["call-2ns", "detail"])
        self.assertEqual(t.loc["cfs-log-m", "verdict"], claims.HOLDS)



class NamesTest(unittest.TestCase):
    """Every benchmark (or class) and secondary metric the claims and notebooks name exists in the
    run committed on 2026-11-22 (taken from git history), or is listed as not measured there."""

    @classmethod
    def setUpClass(cls):
        with open(os.path.join(history.legacy_run(), "jmh.json")) as f:
            cls.jmh = json.load(f)
        cls.benchmarks = {r["benchmark"] for r in cls.jmh}
        cls.classes = {b.rsplit(".", 1)[0] for b in cls.benchmarks}

    def test_every_named_benchmark_exists(self):
        for what in claims.WIRING:
            for name in claims.names(what):
                if name in NOT_MEASURED_ON_2026_11_22:
                    continue
                self.assertTrue(name in self.benchmarks or name in self.classes,
                                f"{what}: {name} is not a benchmark or class of the 2026-11-22 run (renamed?)")

    def test_every_named_metric_exists_on_its_benchmarks(self):
        for key, metric in claims.METRICS.items():
            if metric in NOT_MEASURED_ON_2026_11_22:
                continue
            found = {r["benchmark"] for r in self.jmh
                     if metric in {k.lstrip("\u00b7") for k in r.get("secondaryMetrics") or {}}}
            self.assertTrue(found, f"{key}: no result of the 2026-11-22 run has the metric {metric} (renamed?)")

    def test_every_named_parameter_exists(self):
        params = {(r["benchmark"].rsplit(".", 1)[0].rsplit(".", 1)[1], p) for r in self.jmh for p in r.get("params") or {}}
        named = dict(claims.TOUCHED)
        for cls, p in list(named.items()) + list(claims.epoll.FDS.items()):
            self.assertIn((cls, p), params)
        for cls, p in (("RunQueueHandoff", "background"), ("RunQueueHandoff", "backgroundKind"),
                       ("RunQueueHandoff", "placement"), ("ThunderingHerd", "k"), ("ThunderingHerd", "style"),
                       ("EpollWaitLevel", "r"), ("EpollWaitLevel", "maxevents"), ("NopBatching", "n"),
                       ("SmallReads", "source"), ("VirtualThreadFootprint", "depth")):
            self.assertIn((cls, p), params)

    def test_the_2026_11_22_verdicts_are_all_measured(self):
        t = claims.table(lab.load([history.legacy_run()])).set_index("id")
        missing = t[t["verdict"] == claims.NOT]
        self.assertTrue(missing.empty, missing[["detail"]])


if __name__ == "__main__":
    unittest.main()
