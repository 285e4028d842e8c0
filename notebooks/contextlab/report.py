"""Execute the notebooks headless on one or more runs; write the report into the run directory.

    python3 -m contextlab report [RUN ...]   # in notebooks/ (what `lab report` runs); RUN: a run
                                             # directory or its name under datasets/runs; none = the
                                             # newest run; several = compared side by side

Each notebook runs under Debian's Jupyter (`/usr/bin/jupyter nbconvert --execute`) on a kernel
that is /usr/bin/python3's (a kernelspec written to a temporary JUPYTER_PATH: the `python3`
first on PATH may lack pandas). The executed notebooks, their HTML and the PNGs go to
<first RUN>/report/, the HTML without code cells (nbconvert --no-input; the notebooks keep their
code), and then the landing page index.html (contextlab.pages.landing): the run's identity, the
claims with their intervals, the ladder, disturbed results, cross-checks and a link to each page.
The first thing it does is write each run's claims.json (contextlab.claims/1, `python3 -m contextlab
claims RUN`). A notebook that fails costs its own page only: the others still run, and the exit
status says something failed.
"""
import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from . import formats, runs as runs_

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # notebooks/: the *.ipynb
REPORT_ENV = "CONTEXTLAB_REPORT_DIR"  # contextlab.plots.REPORT_ENV, kept here so that report needs no pandas

JUPYTER = "/usr/bin/jupyter"
PYTHON = "/usr/bin/python3"
KERNEL = "contextlab-python3"
TIMEOUT_S = 600
TEMPLATES = os.path.join(HERE, "templates")
TEMPLATE = "contextlab-report"   # lab's, without RequireJS and MathJax (no file:/// scripts)


def notebooks(selected=None):
    """The suite notebooks in order, then 00-claims (its plot links point at their PNGs)."""
    names = sorted(n[:-6] for n in os.listdir(HERE) if n.endswith(".ipynb") and n[:2].isdigit())
    if selected:
        unknown = set(selected) - set(names)
        if unknown:
            raise SystemExit(f"report: no notebook {', '.join(sorted(unknown))} in notebooks/ (have: {', '.join(names)})")
        names = [n for n in names if n in selected]
    return [n for n in names if not n.startswith("00-")], [n for n in names if n.startswith("00-")]


def write_kernelspec(jupyter_path):
    d = os.path.join(jupyter_path, "kernels", KERNEL)
    os.makedirs(d)
    with open(os.path.join(d, "kernel.json"), "w") as f:
        json.dump({"argv": [PYTHON, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                   "display_name": "Python 3 (/usr/bin/python3, ContextLab)", "language": "python"}, f)


def execute(name, out_dir, env):
    """Runs one notebook into out_dir/<name>.ipynb; returns (name, ok, seconds, error text)."""
    t0 = time.monotonic()
    src = os.path.join(HERE, name + ".ipynb")
    run = subprocess.run([JUPYTER, "nbconvert", "--to", "notebook", "--execute",
                          f"--ExecutePreprocessor.kernel_name={KERNEL}",
                          f"--ExecutePreprocessor.timeout={TIMEOUT_S}",
                          "--output-dir", out_dir, "--output", name, src],
                         cwd=HERE, env=env, capture_output=True, text=True)
    return name, run.returncode == 0, time.monotonic() - t0, run.stderr[-3000:] if run.returncode else ""


def to_html(names, out_dir, env):
    """One nbconvert for every executed notebook (a process start each would double the time), code
    cells left out of the HTML, in the template of notebooks/templates/ (no scripts from this machine)."""
    if not names:
        return ""
    run = subprocess.run([JUPYTER, "nbconvert", "--to", "html", "--no-input", "--template", TEMPLATE,
                          f"--TemplateExporter.extra_template_basedirs={TEMPLATES}", "--output-dir", out_dir]
                         + [os.path.join(out_dir, n + ".ipynb") for n in names],
                         cwd=HERE, env=env, capture_output=True, text=True)
    return run.stderr[-3000:] if run.returncode else ""


def landing(runs, out_dir):
    """Writes index.html; returns a result row like execute's."""
    t0 = time.monotonic()
    try:
        from . import pages
        pages.landing(runs, out_dir)
        return "index", True, time.monotonic() - t0, ""
    except Exception as e:  # the notebooks' pages stand without it
        import traceback
        return "index", False, time.monotonic() - t0, traceback.format_exc()[-3000:]


def make_report(run_dirs, out_dir=None, selected=None, jobs=2, quiet=False):
    runs = [runs_.resolve(r) for r in (run_dirs or [None])]
    for r in runs:
        runs_.Run(r).read_all()  # a record this code cannot read stops the report here, in one line
    write_claims(runs, quiet)
    out_dir = os.path.abspath(out_dir or os.path.join(runs[0], "report"))
    for tool in (JUPYTER, PYTHON):
        if not os.access(tool, os.X_OK):
            raise SystemExit(f"report: {tool} is missing: install Debian's jupyter-nbconvert, python3-ipykernel, "
                             "python3-pandas and python3-matplotlib (scripts/lab report does)")
    suite_nbs, last = notebooks(selected)
    os.makedirs(out_dir, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="contextlab-report-")
    try:
        write_kernelspec(os.path.join(scratch, "jupyter"))
        env = dict(os.environ)
        env.update({runs_.RUNS_ENV: os.pathsep.join(os.path.abspath(r) for r in runs),
                    REPORT_ENV: out_dir,
                    "JUPYTER_PATH": os.path.join(scratch, "jupyter"),
                    "IPYTHONDIR": os.path.join(scratch, "ipython"),
                    "MPLCONFIGDIR": os.path.join(scratch, "mpl"),
                    "PYTHONPATH": HERE + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else ""),
                    "PYDEVD_DISABLE_FILE_VALIDATION": "1"})
        results = []
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            results += list(pool.map(lambda n: execute(n, out_dir, env), suite_nbs))
        results += [execute(n, out_dir, env) for n in last]
        html_error = to_html([name for name, ok, _, _ in results if ok], out_dir, env)
        if html_error:
            results.append(("html", False, 0.0, html_error))
        results.append(landing(runs, out_dir))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    failed = [r for r in results if not r[1]]
    if not quiet:
        for name, ok, secs, err in results:
            print(f"  {name:14} {'ok' if ok else 'FAILED'} ({secs:.1f} s)")
        for name, _, _, err in failed:
            print(f"\n--- {name} failed:\n{err}", file=sys.stderr)
        entry = os.path.join(out_dir, "index.html")
        print(f"report: {entry if os.path.exists(entry) else out_dir}"
              + (f" ({len(runs)} runs side by side)" if len(runs) > 1 else ""))
    return results


def write_claims(run_dirs, quiet=False):
    """Writes claims.json into each run directory; returns their paths."""
    from . import claims
    paths = []
    for r in run_dirs:
        path = claims.write(runs_.Run(r))
        paths.append(path)
        if not quiet:
            print(f"claims: {os.path.relpath(path)}")
    return paths


def claims_main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m contextlab claims", description="write RUN/claims.json (contextlab.claims/1)")
    p.add_argument("runs", nargs="*", help="run directories or names under datasets/runs (default: the newest)")
    args = p.parse_args(argv)
    try:
        write_claims([runs_.resolve(r) for r in (args.runs or [None])])
    except (FileNotFoundError, formats.FormatError) as e:
        print(f"claims: {e}", file=sys.stderr)
        return 2
    return 0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("runs", nargs="*", help="run directories or names under datasets/runs (default: the newest)")
    p.add_argument("--out", help="report directory (default: <first run>/report)")
    p.add_argument("--only", help="comma-separated notebook names, e.g. 02-syscalls,00-claims")
    p.add_argument("--jobs", type=int, default=2, help="notebooks executed at once (default 2)")
    args = p.parse_args(argv)
    try:
        results = make_report(args.runs, args.out, args.only.split(",") if args.only else None, args.jobs)
    except (FileNotFoundError, formats.FormatError) as e:
        print(f"report: {e}", file=sys.stderr)
        return 2
    return 0 if all(ok for _, ok, _, _ in results) else 1

