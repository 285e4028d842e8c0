"""contextlab.twins: the eBPF perturbation step read as paired rounds (traced fork i over untraced
fork i), on synthetic runs whose machine drifts between rounds."""
import json
import os
import shutil
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(HERE), HERE]
import contextlab as lab  # noqa: E402
from contextlab import twins  # noqa: E402
import synthetic  # noqa: E402

GETPPID = "io.contextlab.syscalls.SyscallLoops.getppid"


class PairedTwinsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.path = synthetic.make_run(self.tmp, measured=("sched",), failed=(), skipped=())

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def rows(self):
        return {(r["name"], r["tier"]): r for r in twins.paired(lab.Run(self.path))}

    def edit(self, change):
        """Rewrites the run's jmh.json through change(results)."""
        p = os.path.join(self.path, "jmh.json")
        with open(p) as f:
            results = json.load(f)
        change(results)
        with open(p, "w") as f:
            json.dump(results, f)

    def test_each_round_s_ratio_is_its_own_untraced_fork_s_and_the_drift_cancels(self):
        rows = self.rows()
        for name in ("SyscallLoops.getppid", "WaitBehindTimeSlices.handoff"):
            ctx = rows[(name, "context")]
            self.assertEqual(ctx["rounds"], 6)
            self.assertTrue(ctx["paired"])
            for r in ctx["per_round"]:
                self.assertAlmostEqual(r, synthetic.TIER_FACTOR["ebpf-traced"])
            self.assertAlmostEqual(ctx["ratio"], 1.3)
            self.assertAlmostEqual(ctx["ci_low"], 1.3)    # every round says the same: no width
            self.assertAlmostEqual(ctx["ci_high"], 1.3)
            self.assertAlmostEqual(ctx["probe_share"], synthetic.PROBE_SHARE["ebpf-traced"])
            detail = rows[(name, "detail")]
            self.assertEqual(detail["rounds"], 3)        # the detail tier ran in the first rounds only
            self.assertAlmostEqual(detail["ratio"], 1.6)
            self.assertAlmostEqual(detail["probe_share"], synthetic.PROBE_SHARE["ebpf-detail"])

    def test_rounds_pair_by_their_number_not_by_position(self):
        def drop_round_2_of_the_traced_getppid(results):
            for r in results:
                if r["suite"] == "ebpf-traced" and r["benchmark"] == GETPPID:
                    del r["primaryMetric"]["rawData"][1]
                    del r["secondaryMetrics"]["ebpf.overhead.ns/op"]["rawData"][1]
                    r["rounds"] = [1, 3, 4, 5, 6]
        self.edit(drop_round_2_of_the_traced_getppid)
        ctx = self.rows()[("SyscallLoops.getppid", "context")]
        self.assertEqual(ctx["rounds"], 5)
        for r in ctx["per_round"]:   # by position, round 3's traced fork would meet round 2's untraced one
            self.assertAlmostEqual(r, 1.3)

    def test_the_interval_spans_the_rounds_ratios(self):
        spread = (1.00, 1.02, 1.04, 1.06, 1.08, 1.10)

        def vary(results):
            for r in results:
                if r["suite"] == "ebpf-traced" and r["benchmark"] == GETPPID:
                    base = [f[0] for f in next(u for u in results if u["suite"] == "ebpf-untraced"
                                               and u["benchmark"] == GETPPID)["primaryMetric"]["rawData"]]
                    r["primaryMetric"]["rawData"] = [[b * s] * 2 for b, s in zip(base, spread)]
        self.edit(vary)
        ctx = self.rows()[("SyscallLoops.getppid", "context")]
        self.assertAlmostEqual(ctx["ratio"], 1.05)    # the median of the six
        self.assertLess(ctx["ci_low"], 1.05)
        self.assertGreater(ctx["ci_high"], 1.05)
        self.assertGreaterEqual(ctx["ci_low"], 1.0)
        self.assertLessEqual(ctx["ci_high"], 1.10)
        again = self.rows()[("SyscallLoops.getppid", "context")]
        self.assertEqual((ctx["ci_low"], ctx["ci_high"]), (again["ci_low"], again["ci_high"]))   # seeded

    def test_a_run_before_the_paired_step_reads_as_one_unpaired_round(self):
        def one_fork(results):
            for r in results:
                if r["suite"].startswith("ebpf-"):
                    r.pop("rounds")
                    r["primaryMetric"]["rawData"] = r["primaryMetric"]["rawData"][:1]
        self.edit(one_fork)
        ctx = self.rows()[("SyscallLoops.getppid", "context")]
        self.assertFalse(ctx["paired"])
        self.assertEqual(ctx["rounds"], 1)
        self.assertIn("not paired", twins.ratio_text(ctx))

    def test_the_frame_and_texts(self):
        df = twins.frame([self.path])
        self.assertEqual(set(df["tier"]), {"context", "detail"})
        self.assertEqual(len(df), 4)
        row = df[(df["name"] == "SyscallLoops.getppid") & (df["tier"] == "context")].iloc[0]
        self.assertIn("over 6 rounds", twins.ratio_text(row))
        self.assertIn("of the untraced op", twins.probe_text(row))

    def test_the_metadata_with_the_draw_validates(self):
        run = lab.Run(self.path)
        self.assertEqual(run.meta["perturbation"]["seed"], 17)


if __name__ == "__main__":
    unittest.main()
