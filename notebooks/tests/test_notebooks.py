"""Every notebook executes headless (report.py, the code behind `lab report`) on a synthetic run
that lacks some suites, and on the newest run under datasets/runs if there is one."""
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(HERE), HERE]
import contextlab as lab  # noqa: E402
import report  # noqa: E402
import synthetic  # noqa: E402


class CommittedNotebooksTest(unittest.TestCase):
    def test_committed_without_outputs(self):
        import json
        for name in sum(report.notebooks(), []):
            with open(os.path.join(report.HERE, name + ".ipynb")) as f:
                cells = [c for c in json.load(f)["cells"] if c["cell_type"] == "code"]
            dirty = [i for i, c in enumerate(cells) if c.get("outputs") or c.get("execution_count") is not None]
            self.assertFalse(dirty, f"{name}: clear the outputs before committing (cells {dirty})")


@unittest.skipUnless(os.access(report.JUPYTER, os.X_OK), f"{report.JUPYTER} missing: apt-get install jupyter-nbconvert")
class NotebooksTest(unittest.TestCase):
    def check_report(self, runs, out):
        results = report.make_report(runs, out, quiet=True)
        failed = {name: err for name, ok, _, err in results if not ok}
        self.assertFalse(failed, "\n".join(f"--- {n}\n{e}" for n, e in failed.items()))
        suite_nbs, last = report.notebooks()
        self.assertEqual({r[0] for r in results}, set(suite_nbs + last))
        for name in suite_nbs + last:
            self.assertTrue(os.path.exists(os.path.join(out, name + ".html")), name)
        with open(os.path.join(out, "00-claims.html")) as f:
            return f.read()

    def test_synthetic_run_lacking_suites(self):
        with tempfile.TemporaryDirectory() as tmp:
            run = synthetic.make_run(tmp, measured=("syscalls", "switches", "epoll"), failed=("sched",),
                                     skipped=("stacks",))
            html = self.check_report([run], os.path.join(run, "report"))
            for text in lab.reference("claims")["claim"]:
                self.assertIn(text.replace("'", "&#39;")[:40].split("&")[0], html)
            self.assertIn(lab.NOT_MEASURED, html)
            self.assertTrue(os.path.exists(os.path.join(run, "report", "switches-ladder.png")))
            self.assertTrue(os.path.exists(os.path.join(run, "report", "epoll-ctl.png")))
            self.assertFalse(os.path.exists(os.path.join(run, "report", "stacks-rss-vs-depth.png")))

    @unittest.skipUnless(lab.run_dirs(), "no run under datasets/runs")
    def test_newest_run(self):
        with tempfile.TemporaryDirectory() as out:
            self.check_report([lab.newest_run()], out)


if __name__ == "__main__":
    unittest.main()
