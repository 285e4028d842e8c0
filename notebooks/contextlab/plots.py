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


# The ladder's kinds, in the order of the legend; each benchmark's kind from its class and params.
LADDER_KINDS = {"call": "#4c72b0", "stackless coroutine": "#55a868", "stackful, user space": "#8172b2",
                "JVM (continuation, virtual thread)": "#dd8452", "kernel entry": "#937860",
                "kernel thread": "#c44e52", "process": "#8c1c13", "baseline": "#b0b0b0"}
ARTICLE_LINES = ((2, "article: a call, 2 ns"), (50, "article: a coroutine switch, 50 ns"))


def ladder_kind(name, method, params=""):
    """The rung's kind: call, stackless, stackful in user space, JVM, kernel entry, kernel thread,
    process, or baseline (a method named baseline*)."""
    cls = name.split(".")[0]
    if method.startswith("baseline"):
        return "baseline"
    if cls in ("Calls", "JavaCalls") or method in ("outOfLineCall",):
        return "call"
    if cls == "StacklessGenerator" or method == "switchCaseGenerator":
        return "stackless coroutine"
    if cls == "NativeCoroutines":
        return "stackful, user space"
    if cls in ("ContinuationYield", "VirtualThreadHandoff"):
        return "JVM (continuation, virtual thread)"
    if "PROCESSES" in params:
        return "process"
    if cls in ("PlatformThreadHandoff", "NativePingPong"):
        return "kernel thread"
    return "kernel entry"


def _value_text(v):
    """1234.5 -> "1,235"; 12.34 -> "12.3"; 0.917 -> "0.917"."""
    return f"{v:,.0f}" if v >= 100 else f"{v:.3g}"


def ladder(ax, df, title="One-way switch cost", xlabel="ns per one-way switch (or call)"):
    """The switch ladder: one bar per rung (benchmark x params), coloured by kind, sorted by cost,
    the baselines apart below a line, the value beside each bar, the articles' 2 ns and 50 ns as
    dashed lines, on a log axis that starts just below the smallest rung. Several runs: one bar per
    run within a rung, told apart by hatching. Returns the rungs from top to bottom."""
    import matplotlib.patches as mpatches
    df = df.copy()
    df["rung"] = df["name"] + df["params"].map(lambda p: f" [{p}]" if p else "")
    df["kind"] = [ladder_kind(n, m, p) for n, m, p in zip(df["name"], df["method"], df["params"])]
    df = df.drop_duplicates(subset=["label", "rung"])
    med = df.groupby("rung")["score"].median()
    kinds = df.drop_duplicates("rung").set_index("rung")["kind"]
    rungs = [r for r in med.sort_values().index if kinds[r] != "baseline"]
    base = [r for r in med.sort_values().index if kinds[r] == "baseline"]
    order = rungs + base
    ypos = {r: i for i, r in enumerate(rungs)}
    ypos.update({r: len(rungs) + 1 + i for i, r in enumerate(base)})   # a blank row between
    labels = list(dict.fromkeys(df["label"]))
    hatches = ["", "//", "..", "xx", "\\\\"]
    h = 0.8 / max(1, len(labels))
    for i, lab_ in enumerate(labels):
        d = df[df["label"] == lab_].set_index("rung")
        d = d[d.index.isin(order)]
        y = np.array([ypos[r] for r in d.index]) + (i - (len(labels) - 1) / 2) * h
        ax.barh(y, d["score"], height=h, color=[LADDER_KINDS[k] for k in d["kind"]],
                hatch=hatches[i % len(hatches)], edgecolor="white" if i == 0 else "black", linewidth=0.3,
                xerr=_log_axis_err(d["error"], d["score"]), error_kw={"elinewidth": 0.6, "capsize": 1.5})
        for yy, v, e in zip(y, d["score"], d["error"].fillna(0)):
            if v == v:
                ax.text(v + max(e, 0) if e < v else v, yy, " " + _value_text(v), va="center", fontsize=7)
    ax.set_yticks([ypos[r] for r in order])
    ax.set_yticklabels(order, fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    positive = df.loc[df["score"] > 0, "score"]
    if not positive.empty:
        ax.set_xlim(positive.min() / 1.6, positive.max() * 6)
    if base:
        ax.axhline(len(rungs), color="black", linewidth=0.6)
        ax.text(1.0, len(rungs) + 0.05, "baselines (the empty loop or call each rung contains) ",
                transform=ax.get_yaxis_transform(), ha="right", va="top", fontsize=7, style="italic")
    for value, text in ARTICLE_LINES:
        ax.axvline(value, color="grey", linestyle="--", linewidth=1)
        ax.text(value, -0.7, " " + text, fontsize=7, color="dimgrey", va="bottom", rotation=0)
    ax.set_ylim(len(order) + (0.5 if base else -0.5), -1.2)
    ax.set_xlabel(xlabel)
    ax.set_title(title, pad=14)
    ax.grid(axis="x", which="both", alpha=0.3)
    present = [k for k in LADDER_KINDS if k in set(df["kind"])]
    handles = [mpatches.Patch(color=LADDER_KINDS[k], label=k) for k in present]
    handles += [mpatches.Patch(facecolor="white", edgecolor="black", hatch=hatches[i % len(hatches)], label=lab_)
                for i, lab_ in enumerate(labels)] if len(labels) > 1 else []
    ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1), title="kind", title_fontsize=7)
    return order


def ladder_frame(runs):
    """The rungs of the ladder from runs: the switches suite in ns/op, with the Java call, the C call
    and getppid of the syscalls suite for scale (each from its own suite). Empty when the switches
    suite was not measured."""
    from . import frames
    from .claims import own_suite, select
    import pandas as pd
    df = frames.results(runs)
    if df.empty:
        return df
    own = own_suite(df)
    if not (own["suite"] == "switches").any():
        return own.iloc[0:0]
    parts = [select(own, w) for w in ("java_call", "c_call", "getppid")] + [own[own["suite"] == "switches"]]
    out = pd.concat(parts)
    return out[out["unit"].astype(str).str.endswith("/op")]


def ladder_figure(runs, title="One-way switch cost (log scale, 99.9% error bars)"):
    """A matplotlib figure holding the ladder of runs, or None when no rung was measured."""
    import matplotlib.pyplot as plt
    df = ladder_frame(runs)
    if df.empty:
        return None
    rungs = df.drop_duplicates(["name", "params"]).shape[0]
    n = df["label"].nunique()
    fig, ax = plt.subplots(figsize=(10, 0.24 * rungs * max(1, n * 0.7) + 2.2))
    ladder(ax, df, title)
    return fig
