"""ContextLab's analysis: read a run's records, turn them into pandas frames, plots and verdicts.

    import contextlab as lab
    from contextlab import claims
    runs = lab.load()                 # the newest run, or $CONTEXTLAB_RUNS, or lab.load([dir or name, ...])
    df = lab.results(runs)            # one row per benchmark x params x run
    sec = lab.secondary(runs)         # one row per secondary metric (gc.alloc.rate.norm, rss, ...)
    python3 -m contextlab report [RUN ...]   # execute the notebooks on runs into RUN/report/

Modules: formats (record formats, versions, schemas), legacy (the 2026-11-22 run format),
runs (Run, load, newest, resolve), registry (suites.json), frames (DataFrames), fits, plots,
claims (one module per suite), twins (the eBPF profiler's paired cost), report. The frames and plots import pandas and numpy, loaded here
on first use so that `python3 -m contextlab report` can say what is missing before needing them.
"""
from .formats import FormatError
from .runs import RUNS, RUNS_ENV, Run, load, newest, resolve, run_dirs

_LAZY = {
    "frames": ("results", "secondary", "wide", "crosschecks", "suites", "servers", "reference",
               "short_name", "params_text"),
    "fits": ("fit_loglog", "fit_log"),
    "plots": ("REPORT_ENV", "NOT_MEASURED", "report_dir", "save", "say", "not_measured", "describe",
              "bars", "curves", "ladder", "ladder_figure", "ladder_kind"),
}
_WHERE = {name: module for module, names in _LAZY.items() for name in names}


def __getattr__(name):
    if name in _WHERE:
        import importlib
        return getattr(importlib.import_module("." + _WHERE[name], __name__), name)
    raise AttributeError(f"module 'contextlab' has no attribute {name!r}")
