"""`python3 -m contextlab report` (what `lab report` runs) executes every notebook on the run
committed on 2026-11-22, taken from git history and read through the legacy reader. Executing the
notebooks is slow: the report is made once, under /tmp/contextlab-heavy.lock when run by hand."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
NOTEBOOKS = os.path.dirname(HERE)
sys.path[:0] = [NOTEBOOKS, HERE]
from contextlab import report  # noqa: E402
import history  # noqa: E402
import synthetic  # noqa: E402

PYTHON = "/usr/bin/python3"


def contextlab(*args):
    return subprocess.run([PYTHON, "-m", "contextlab", *args], cwd=NOTEBOOKS, capture_output=True, text=True)


class CommittedNotebooksTest(unittest.TestCase):
    def test_committed_without_outputs(self):
        for name in sum(report.notebooks(), []):
            with open(os.path.join(report.HERE, name + ".ipynb")) as f:
                cells = [c for c in json.load(f)["cells"] if c["cell_type"] == "code"]
            dirty = [i for i, c in enumerate(cells) if c.get("outputs") or c.get("execution_count") is not None]
            self.assertFalse(dirty, f"{name}: clear the outputs before committing (cells {dirty})")

    def test_every_notebook_imports_the_package(self):
        for name in sum(report.notebooks(), []):
            with open(os.path.join(report.HERE, name + ".ipynb")) as f:
                first = "".join(next(c for c in json.load(f)["cells"] if c["cell_type"] == "code")["source"])
            self.assertIn("import contextlab as lab\nfrom contextlab import claims\n", first, name)


class CommandTest(unittest.TestCase):
    def test_unknown_command(self):
        done = contextlab("frobnicate")
        self.assertEqual(done.returncode, 2)
        self.assertIn("no command 'frobnicate'", done.stderr)

    def test_report_refuses_a_run_it_cannot_read_in_one_line(self):
        with tempfile.TemporaryDirectory() as tmp:
            run = synthetic.make_run(tmp)
            meta = os.path.join(run, "metadata.json")
            with open(meta) as f:
                data = json.load(f)
            with open(meta, "w") as f:
                json.dump(dict(data, format="contextlab.metadata/9"), f)
            done = contextlab("report", run, "--out", os.path.join(tmp, "out"))
        self.assertEqual(done.returncode, 2)
        self.assertEqual(len(done.stderr.strip().splitlines()), 1, done.stderr)
        self.assertIn("contextlab.metadata/9", done.stderr)


@unittest.skipUnless(os.access(report.JUPYTER, os.X_OK), f"{report.JUPYTER} missing: apt-get install jupyter-nbconvert")
class ReportTest(unittest.TestCase):
    def test_report_on_the_2026_11_22_run_from_git_history(self):
        run = history.legacy_run()
        with tempfile.TemporaryDirectory() as out:
            done = contextlab("report", run, "--out", out)
            self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
            suite_nbs, last = report.notebooks()
            for name in suite_nbs + last:
                self.assertTrue(os.path.exists(os.path.join(out, name + ".html")), name)
            with open(os.path.join(out, "00-claims.html")) as f:
                self.assertIn("legacy format", f.read())


if __name__ == "__main__":
    unittest.main()


def run_in_process(test, run, out):
    """Executes every notebook's code cells in this process on `run`, saving PNGs into `out`."""
    import contextlib
    import io
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    env = {"CONTEXTLAB_RUNS": run, report.REPORT_ENV: out}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        for name in sum(report.notebooks(), []):
            with open(os.path.join(report.HERE, name + ".ipynb")) as f:
                cells = ["".join(c["source"]) for c in json.load(f)["cells"] if c["cell_type"] == "code"]
            scope = {"display": print, "__name__": "__main__"}
            with contextlib.redirect_stdout(io.StringIO()):
                for i, code in enumerate(cells):
                    try:
                        exec(compile(code, f"{name} cell {i}", "exec"), scope)
                    except Exception as e:
                        test.fail(f"{name}, code cell {i}: {type(e).__name__}: {e}")
            plt.close("all")
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class InProcessTest(unittest.TestCase):
    """Every notebook's code run in this process (no Jupyter: display() prints), on runs in the
    current formats, so that their reading and "not measured" paths stay exercised."""

    def test_notebooks_on_a_current_format_run_lacking_suites(self):
        with tempfile.TemporaryDirectory() as tmp:
            run = synthetic.make_run(tmp, measured=("syscalls", "switches", "epoll", "servers"), failed=("sched",),
                                     skipped=("stacks",))
            out = os.path.join(tmp, "report")
            run_in_process(self, run, out)
            self.assertTrue(os.path.exists(os.path.join(out, "switches-ladder.png")))
            self.assertTrue(os.path.exists(os.path.join(out, "servers-throughput.png")))
            self.assertFalse(os.path.exists(os.path.join(out, "stacks-rss-vs-depth.png")))

    def test_notebooks_on_the_newest_committed_run(self):
        from contextlab import runs
        if not runs.run_dirs():
            self.skipTest("no run under datasets/runs")
        newest = runs.newest()
        if runs.Run(newest).legacy:
            self.skipTest("the newest committed run is in the legacy format: ReportTest executes it")
        with tempfile.TemporaryDirectory() as out:
            run_in_process(self, newest, out)
            self.assertTrue(os.path.exists(os.path.join(out, "switches-ladder.png")))


if __name__ == "__main__":
    unittest.main()
