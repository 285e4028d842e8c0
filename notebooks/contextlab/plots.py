"""What the notebooks show: Markdown lines, the "not measured" line, the runs' description, saved
figures, and the two plots they share (bars, curves; matplotlib is imported by the notebook)."""
import os

import numpy as np

from .fits import fit_loglog

from .report import REPORT_ENV  # noqa: E402  (set by contextlab.report)
NOT_MEASURED = "not measured in this run"


def report_dir():
    d = os.environ.get(REPORT_ENV)
    if d:
        os.makedirs(d, exist_ok=True)
    return d


def save(fig, name):
    """Save a figure as <report dir>/<name>.png when the report is being made; returns the file name."""
    d = report_dir()
    if d:
        fig.savefig(os.path.join(d, name + ".png"), dpi=110, bbox_inches="tight")
    return name + ".png"


def say(text):
    """Markdown in a notebook, plain text elsewhere."""
    try:
        from IPython.display import Markdown, display
        display(Markdown(text))
    except ImportError:
        print(text)


def not_measured(what, runs=None, suite=None):
    """The one way a notebook says a figure is missing: which runs lack it and why."""
    reasons = []
    for run in (runs or []):
        status = run.suite_status(suite) if suite else "absent"
        why = run.suite_reason(suite) if suite else ""
        reasons.append(f"{run.label}: suite {suite} {status}{' (' + why + ')' if why else ''}" if suite else run.label)
    say(f"**{what}: {NOT_MEASURED}.**" + ("  \n" + "  \n".join(reasons) if reasons else ""))


def describe(runs):
    """One line per run: label, mode, status, and the warnings that distort its numbers."""
    lines = []
    for run in runs:
        m = run.meta
        env = m.get("environment") or {}
        lines.append(f"- **{run.label}** — {m.get('mode')} run, {m.get('status')}, {env.get('cpu_model')}, "
                     f"{env.get('cpus_online')} CPUs, virtualization {env.get('virtualization')}, "
                     f"JDK {(env.get('jdk') or {}).get('version')} (`{run.name}`"
                     + (", legacy format, read by contextlab.legacy)" if run.legacy else ")"))
        for w in m.get("warnings", []):
            lines.append(f"    - warning: {w}")
    say("\n".join(lines))


def _log_axis_err(err, value):
    """Error bars a log axis can draw: an error reaching zero is cut to 99.9% of the value; none is 0."""
    return err.where(err.isna() | (err < value), value * 0.999).fillna(0).clip(lower=0)


def bars(ax, df, title="", xlabel=None, refs=()):
    """Horizontal bars on a log scale with JMH's 99.9% error bars, one bar per benchmark x params,
    runs side by side (one colour each). refs: (value, text) vertical reference lines."""
    df = df.copy()
    df["rung"] = df["name"] + df["params"].map(lambda p: f" [{p}]" if p else "")
    df = df.drop_duplicates(subset=["label", "rung"])
    order = df.groupby("rung")["score"].median().sort_values().index.tolist()
    labels = list(dict.fromkeys(df["label"]))
    h = 0.8 / max(1, len(labels))
    for i, lab_ in enumerate(labels):
        d = df[df["label"] == lab_].set_index("rung").reindex(order)
        y = np.arange(len(order)) + (i - (len(labels) - 1) / 2) * h
        ax.barh(y, d["score"], height=h, xerr=_log_axis_err(d["error"], d["score"]), capsize=2,
                label=lab_ if len(labels) > 1 else None)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels(order, fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel(xlabel or (df["unit"].iloc[0] if not df.empty else ""))
    for value, text in refs:
        ax.axvline(value, color="grey", linestyle="--", linewidth=1)
        ax.text(value, len(order) - 0.4, " " + text, fontsize=8, color="grey", va="bottom")
    ax.set_title(title)
    ax.grid(axis="x", which="both", alpha=0.3)
    if len(labels) > 1:
        ax.legend(fontsize=7)
    return order


def _param_text(column, value):
    if isinstance(value, float) and value != value:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{column[2:]}={value}" if column.startswith("p_") else str(value)


def curves(ax, df, x, by=(), y="score", err="error", loglog=True, fit=True, title="", xlabel=None, ylabel=None):
    """y against x, one line per run label and per `by` columns, error bars, and with fit=True the
    log-log slope of each line in its legend entry. Returns {line label: fit or None}."""
    fits = {}
    keys = ["label"] + [b for b in by if b in df]
    for key, d in df.groupby(keys, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        d = d.groupby(x, as_index=False).agg({y: "median", **({err: "median"} if err in d else {})}).sort_values(x)
        shown = list(zip(keys, key))[1:] if df["label"].nunique() == 1 else list(zip(keys, key))
        name = " / ".join(t for t in (_param_text(c, v) for c, v in shown) if t) or y
        f = fit_loglog(d[x], d[y]) if fit and len(d) >= 2 else None
        fits[name] = f
        e = _log_axis_err(d[err], d[y]) if err in d else None
        ax.errorbar(d[x], d[y], yerr=e, marker="o", capsize=2,
                    label=name + (f"  (slope {f['slope']:.2f})" if f else ""))
    if loglog:
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel(xlabel or x.removeprefix("p_"))
    ax.set_ylabel(ylabel or (df["unit"].iloc[0] if "unit" in df and not df.empty else y))
    ax.set_title(title)
    ax.grid(which="both", alpha=0.3)
    if fits:
        ax.legend(fontsize=7)
    return fits
