"""The pages written without a notebook: the report's landing page (RUN/report/index.html) and the
comparison of runs (compare.html). Plain HTML with the PNGs beside it; no code on the page."""
import html
import json
import math
import os

from . import formats
from .runs import Run

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 1.5em auto; padding: 0 1em; color: #222; }
td:first-child { white-space: nowrap; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
th, td { padding: 2px 8px; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.holds, .agrees, .faster { color: #1a7f37; } .fails, .differs, .slower { color: #b42318; }
.inconclusive, .partly, .info, .drifting { color: #9a6700; } .muted { color: #777; }
.note { background: #f6f8fa; border-left: 4px solid #bbb; padding: 0.4em 0.8em; }
.cause { background: #fff8e6; border-left: 4px solid #d4a72c; padding: 0.4em 0.8em; margin: 0.5em 0; }
img { max-width: 100%; } nav a { margin-right: 1em; }
"""


def esc(x):
    return html.escape("" if x is None else str(x))


def page(title, body):
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{esc(title)}</title>"
            f"<style>{STYLE}</style></head>\n<body>\n{body}\n</body></html>\n")


def table(columns, rows, classes=None):
    """columns: [(header, css class or "")]; rows: lists of cell HTML (already escaped)."""
    head = "".join(f"<th>{esc(h)}</th>" for h, _ in columns)
    body = "".join("<tr>" + "".join(f"<td class=\"{c}\">{cell}</td>" if c else f"<td>{cell}</td>"
                                    for (_, c), cell in zip(columns, row)) + "</tr>\n" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}</tbody></table>"


def num(x, digits=3):
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.{digits}g}"


def params_text(params):
    return ", ".join(f"{k}={v}" for k, v in (params or {}).items())


def write(path, title, body):
    with open(path, "w") as f:
        f.write(page(title, body))
    return path


def save_png(fig, out_dir, name):
    fig.savefig(os.path.join(out_dir, name), dpi=100, bbox_inches="tight")
    import matplotlib.pyplot as plt
    plt.close(fig)
    return name


def _matplotlib():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


# ---------------------------------------------------------------- identity



def identity(run):
    """The run's identity as a two-column table: host, CPU, kernel, mitigations, JDK, mode, date."""
    m = run.meta
    env = m.get("environment") or {}
    jdk = env.get("jdk") or {}
    mitigations = env.get("mitigations") or {}
    active = {k: v for k, v in mitigations.items() if isinstance(v, str) and not v.startswith("Not affected")}
    mit = "<br>".join(f"<b>{esc(k)}</b>: {esc(v)}" for k, v in active.items()) or "none recorded"
    rows = [("run", f"<code>{esc(run.name)}</code>" + (" (legacy format, read by contextlab.legacy)" if run.legacy else "")),
            ("host", esc(run.host)), ("CPU", esc(env.get("cpu_model")) + (f" — microcode {esc(env.get('microcode'))}"
                                                                         if env.get("microcode") else "")),
            ("CPUs", f"{esc(env.get('cpus_online'))} online, virtualization {esc(env.get('virtualization'))}, "
                     f"governor {esc(env.get('frequency_governor'))}"),
            ("kernel", esc(env.get("kernel"))),
            ("mitigations", mit + (f"<br><span class=\"muted\">{len(mitigations) - len(active)} more: Not affected</span>"
                                   if len(mitigations) > len(active) else "")),
            ("JDK", esc(" ".join(str(x) for x in (jdk.get("vendor"), jdk.get("version"), jdk.get("vm_version")) if x))),
            ("mode", f"{esc(m.get('mode'))} run, {esc(m.get('status'))}"),
            ("date", f"{esc(m.get('started'))} → {esc(m.get('finished'))}"),
            ("commit", esc((m.get("git") or {}).get("commit")))]
    warnings = "".join(f"<li>{esc(w)}</li>" for w in m.get("warnings") or [])
    return (table([("fact", ""), ("value", "")], [[esc(k), v] for k, v in rows])
            + (f"<details><summary>{len(m.get('warnings'))} warning{'s' if len(m.get('warnings')) > 1 else ''} about this machine</summary><ul>{warnings}</ul></details>"
               if warnings else ""))


# ---------------------------------------------------------------- the landing page

CLAIMS_FILE = "claims.json"
NO_CLAIMS = "claims not computed"
NO_CONTEXT = "no context metrics in this run"
DISTURBED = "ebpf.disturbed"


def by_design():
    """{package.Class or package.Class.method: suite} of the benchmarks suites.json lists as disturbed by
    their own design (a partner process, children, their own queued tasks): ebpf.disturbed is then
    their experiment, not interference. Empty when the registry cannot be read."""
    try:
        from . import registry
        return {f"{s['package']}.{b}": s["name"] for s in registry.load().suites for b in s.get("disturbed_by_design") or []}
    except (OSError, ValueError, KeyError):
        return {}


def claims_section(run, out_dir):
    path = run.file(CLAIMS_FILE)
    link = (" The claims page, with each claim's plot: <a href=\"00-claims.html\">00-claims.html</a>."
            if os.path.exists(os.path.join(out_dir, "00-claims.html")) else "")
    if not os.path.exists(path):
        return f"<p class=\"note\">{NO_CLAIMS} for this run (no {CLAIMS_FILE}).{link}</p>"
    data = formats.read_json(path)
    if not isinstance(data, dict) or data.get("format") != "contextlab.claims/1":
        return f"<p class=\"note\">{NO_CLAIMS}: {CLAIMS_FILE} is of format {esc(json.dumps(data.get('format') if isinstance(data, dict) else None))}, this page reads contextlab.claims/1.{link}</p>"
    rows = []
    for v in data.get("verdicts") or []:
        ci = v.get("ci")
        interval = f"[{num(ci[0])}, {num(ci[1])}]" if isinstance(ci, list) and len(ci) == 2 and None not in ci else "—"
        verdict = str(v.get("verdict") or "")
        css = {"holds": "holds", "does not hold": "fails", "inconclusive": "inconclusive", "partly": "partly"}.get(verdict, "muted")
        rows.append([esc(v.get("id")), f"<span class=\"{css}\">{esc(verdict)}</span>", num(v.get("value")), interval,
                     esc(v.get("unit")), esc(v.get("detail"))])
    counts = {}
    for v in data.get("verdicts") or []:
        counts[v.get("verdict")] = counts.get(v.get("verdict"), 0) + 1
    summary = ", ".join(f"{n} {esc(k)}" for k, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    return (f"<p>{summary}.{link}</p>"
            + table([("claim", ""), ("verdict", ""), ("measured", "num"), ("95% interval", "num"), ("unit", ""),
                     ("detail", "")], rows))


def disturbed_section(run):
    """Results whose secondary metrics carry ebpf.disturbed > 0; NO_CONTEXT when no result has it."""
    having, designed, disturbed = 0, 0, []
    design = by_design()
    for r in run.jmh():
        for key, m in (r.get("secondaryMetrics") or {}).items():
            if formats.metric_name(key) == DISTURBED:
                having += 1
                value = formats.metric_value(m)
                if value > 0:
                    why = ("by design (suites.json disturbed_by_design)"
                           if r["benchmark"] in design or r["benchmark"].rsplit(".", 1)[0] in design else "")
                    designed += bool(why)
                    disturbed.append([esc(r.get("suite")), esc(".".join(r["benchmark"].split(".")[-2:])),
                                      esc(params_text(r.get("params"))), num(value),
                                      num(formats.number((r.get("primaryMetric") or {}).get("score"))),
                                      esc((r.get("primaryMetric") or {}).get("scoreUnit")), esc(why)])
    if not having:
        return f"<p class=\"note\">{NO_CONTEXT} (no result carries {DISTURBED}).</p>"
    if not disturbed:
        return f"<p>None of the {having} results with context metrics was disturbed.</p>"
    return (f"<p>{len(disturbed)} of {having} results were disturbed while measured (the share of their iterations "
            f"in which other processes (seen in two samples or more) or the host's steal took at least 2% of the CPU the "
            f"benchmark ran on; a quick run "
            f"measured the others once more, as suite SUITE-remeasured): read their figures with care"
            + (f"; {designed} of them put other tasks on their CPU by their own design" if designed else "") + ".</p>"
            + table([("suite", ""), ("benchmark", ""), ("params", ""), (DISTURBED, "num"), ("score", "num"),
                     ("unit", ""), ("why", "")], disturbed))


def crosscheck_section(run):
    checks = run.crosschecks()
    if not checks:
        return "<p class=\"note\">no cross-checks in this run.</p>"
    counts = {}
    for c in checks:
        counts[c["verdict"]] = counts.get(c["verdict"], 0) + 1
    order = ("agrees", "differs", "drifting", "inconclusive", "info", "not-measured")
    order += tuple(k for k in counts if k not in order)
    summary = ", ".join(f"<span class=\"{k}\">{counts[k]} {k}</span>" for k in order if k in counts)
    rows = [[esc(c["suite"]), esc(c["check"]), f"<span class=\"{esc(c['verdict'])}\">{esc(c['verdict'])}</span>",
             num(c.get("measured")), num((c.get("reference") or {}).get("value")), esc(c.get("unit")),
             num(c.get("ratio")), "—" if c.get("tolerance") is None else f"±{c['tolerance']:.0%}",
             esc(formats.crosscheck_reason(c))]
            for c in checks if c["verdict"] != "agrees"]
    return (f"<p>{len(checks)} outside references: {summary}."
            + (" Every one that does not agree is below, with why, from its record.</p>" if rows else "</p>")
            + (table([("suite", ""), ("check", ""), ("verdict", ""), ("JMH", "num"), ("reference", "num"),
                      ("unit", ""), ("ratio", "num"), ("tolerance", "num"), ("why", "")], rows) if rows else ""))


def perturbation_section(run):
    """The eBPF profiler's own cost from the step ebpf-perturbation (contextlab.twins): per benchmark
    and tier, the median over rounds of traced fork / untraced fork with its 95% interval, and the
    probes' kernel-accounted ns per op and share of the op; a note when the step did not run."""
    try:
        from . import twins
        rows = twins.paired(run)
    except ImportError as e:
        return f"<p class=\"note\">the profiler's cost needs {esc(e.name)} (Debian's python3-numpy).</p>"
    if not rows:
        return (f"<p class=\"note\">the step ebpf-perturbation: {esc(run.suite_status('ebpf-perturbation'))}"
                " (no untraced and traced twins in this run).</p>")
    body = [[esc(r["name"]), esc(r["params"]), esc(r["tier"]), str(r["rounds"]), num(r["ratio"]),
             f"[{num(r['ci_low'])}, {num(r['ci_high'])}]" if math.isfinite(r["ci_low"]) else "—",
             esc(", ".join(f"{x:.3f}" for x in r["per_round"])), num(r["probe_ns"]),
             "—" if not math.isfinite(r["probe_share"]) else f"{100 * r['probe_share']:.2g}%"]
            for r in rows]
    unpaired = any(not r["paired"] for r in rows)
    return ("<p>What tracing costs the op it traces: each tier's fork over the untraced fork of the same round "
            "(the rounds interleaved, each in an order drawn from the seed in metadata.json), the median over the "
            "rounds with its 95% bootstrap interval; beside it the probes' own run time per op as the kernel "
            "accounts it, and as a share of the untraced op. Details: 05-sched.</p>"
            + ("<p class=\"note\">this run's twins ran one fork per side, minutes apart (before the paired step): "
               "their ratio mostly measures the machine's drift.</p>" if unpaired else "")
            + table([("benchmark", ""), ("params", ""), ("tier", ""), ("rounds", "num"), ("traced / untraced", "num"),
                     ("95% interval", "num"), ("per round", ""), ("probes ns/op", "num"), ("share of the op", "num")],
                    body))


def suites_section(run, out_dir):
    from . import registry
    try:
        reg = registry.load()
        entries = reg.entries()
    except (FileNotFoundError, formats.FormatError) as e:
        return f"<p class=\"note\">suite registry not readable: {esc(e)}</p>"
    rows, seen = [], set()
    for e in entries:
        nb = (e.get("notebook") or "").removesuffix(".ipynb")
        page_ = nb + ".html"
        link = (f"<a href=\"{esc(page_)}\">{esc(nb)}</a>" if nb and os.path.exists(os.path.join(out_dir, page_))
                else f"<span class=\"muted\">{esc(nb) or '—'} (not in this report)</span>")
        status = run.suite_status(e["name"])
        reason = run.suite_reason(e["name"])
        rows.append([esc(e["name"]), link, esc(status) + (f" <span class=\"muted\">({esc(reason)})</span>" if reason else ""),
                     esc(e.get("about"))])
        seen.add(nb)
    return table([("suite or step", ""), ("page", ""), ("in this run", ""), ("about", "")], rows)


def landing(runs, out_dir):
    """RUN/report/index.html: what the run was, its verdicts, the ladder, what was disturbed, whether
    the outside references agreed, and a link to each suite's page. Returns the page's path."""
    runs = [r if isinstance(r, Run) else Run(r) for r in runs]
    run = runs[0]
    os.makedirs(out_dir, exist_ok=True)
    parts = [f"<h1>ContextLab run {esc(run.name)}</h1>",
             f"<p class=\"muted\">{esc(run.label)}"
             + (" — compared with " + ", ".join(esc(r.label) for r in runs[1:]) if len(runs) > 1 else "") + "</p>",
             "<nav><a href=\"#claims\">claims</a><a href=\"#ladder\">ladder</a><a href=\"#disturbed\">disturbed results</a>"
             "<a href=\"#crosschecks\">cross-checks</a><a href=\"#profiler\">the profiler's cost</a>"
             "<a href=\"#suites\">suites</a></nav>",
             "<h2 id=\"identity\">The run</h2>", identity(run)]
    for other in runs[1:]:
        parts += [f"<h3>{esc(other.label)}</h3>", identity(other)]
    parts += ["<h2 id=\"claims\">Claims: verdicts with their 95% intervals</h2>", claims_section(run, out_dir)]
    parts.append("<h2 id=\"ladder\">The switch ladder</h2>")
    try:
        plt = _matplotlib()
        from . import plots
        fig = plots.ladder_figure(runs)
        if fig is None:
            parts.append(f"<p class=\"note\">the switch ladder: {plots.NOT_MEASURED} (suite switches "
                         f"{esc(run.suite_status('switches'))}).</p>")
        else:
            name = save_png(fig, out_dir, "index-ladder.png")
            parts.append(f"<p>One-way switch cost, coloured by kind; the baselines below the line; dashed: the "
                         f"articles' 2 ns call and 50 ns coroutine switch. Details: "
                         f"<a href=\"01-switches.html\">01-switches</a>.</p><img src=\"{name}\" alt=\"the switch ladder\">")
        plt.close("all")
    except ImportError as e:
        parts.append(f"<p class=\"note\">the ladder needs {esc(e.name)} (Debian's python3-matplotlib, python3-pandas).</p>")
    parts += ["<h2 id=\"disturbed\">Disturbed results</h2>", disturbed_section(run),
              "<h2 id=\"crosschecks\">Cross-checks against outside references</h2>", crosscheck_section(run),
              "<h2 id=\"profiler\">The eBPF profiler's own cost</h2>", perturbation_section(run),
              "<h2 id=\"suites\">Suites</h2>", suites_section(run, out_dir)]
    path = os.path.join(out_dir, "index.html")
    if not os.path.exists(os.path.join(out_dir, "01-switches.html")):
        parts = [p.replace("Details: <a href=\"01-switches.html\">01-switches</a>.", "") for p in parts]
    return write(path, f"ContextLab {run.name}", "\n".join(parts))


# ---------------------------------------------------------------- the comparison page

def _ratio_figure(rows, title):
    """Significant ratios with their intervals, one line each, on a log axis around 1."""
    plt = _matplotlib()
    rows = sorted(rows, key=lambda r: r["ratio"])
    fig, ax = plt.subplots(figsize=(9, 0.26 * len(rows) + 1.4))
    y = range(len(rows))
    colours = ["#b42318" if r["change"] == "slower" else "#1a7f37" for r in rows]
    ax.errorbar([r["ratio"] for r in rows], list(y), fmt="none", ecolor="grey",
                xerr=[[r["ratio"] - r["ci"][0] for r in rows], [r["ci"][1] - r["ratio"] for r in rows]], capsize=2)
    ax.scatter([r["ratio"] for r in rows], list(y), c=colours, zorder=3, s=18)
    ax.set_yticks(list(y))
    ax.set_yticklabels([".".join(r["benchmark"].split(".")[-2:]) + (f" [{params_text(r['params'])}]" if r["params"] else "")
                        for r in rows], fontsize=7)
    ax.axvline(1, color="black", linewidth=0.8)
    ax.set_xscale("log")
    from matplotlib.ticker import FormatStrFormatter
    ax.xaxis.set_major_formatter(FormatStrFormatter("%g"))
    ax.xaxis.set_minor_formatter(FormatStrFormatter("%g"))
    ax.tick_params(axis="x", which="minor", labelsize=7)
    ax.set_xlabel("ratio B / A (95% bootstrap interval); red: slower in B, green: faster")
    ax.set_title(title, fontsize=10)
    ax.grid(axis="x", which="both", alpha=0.3)
    return fig


def _comparison_html(pair, out_dir, index):
    rows = pair["benchmarks"]
    sig = [r for r in rows if r["significant"]]
    parts = [f"<h2 id=\"pair{index}\">B = {esc(pair['b_label'])} against A = {esc(pair['a_label'])}</h2>",
             f"<p>{len(rows)} results measured in both runs ({pair['only_in_a']} only in A, {pair['only_in_b']} only in B); "
             f"<b>{len(sig)}</b> differ by more than the runs' own noise.</p>",
             "<h3>Likely causes (hypotheses)</h3>"]
    if pair["causes"]:
        parts += [f"<div class=\"cause\"><b>{esc(c['group'])}</b>: {esc(c['hypothesis'])}.<br>"
                  f"<span class=\"muted\">Evidence: {esc(c['evidence'])}.</span></div>" for c in pair["causes"]]
    else:
        parts.append("<p class=\"note\">No group of benchmarks moved together: no cause proposed.</p>")
    parts.append("<h3>Environment: every fact that differs</h3>")
    if pair["environment_diff"]:
        parts.append(table([("fact", ""), ("A", ""), ("B", "")],
                           [[f"<code>{esc(d['key'])}</code>", esc(_fact(d["a"])), esc(_fact(d["b"]))]
                            for d in pair["environment_diff"]]))
    else:
        parts.append("<p>No recorded fact differs.</p>")
    parts.append(f"<h3>Verdict changes</h3><p>{esc(pair['claims'])}.</p>")
    if pair["verdict_changes"]:
        parts.append(table([("claim", ""), ("A", ""), ("B", ""), ("A value", "num"), ("B value", "num")],
                           [[esc(v["id"]), esc(v["a"]), esc(v["b"]), num(v.get("a_value")), num(v.get("b_value"))]
                            for v in pair["verdict_changes"]]))
    parts.append("<h3>Every result, by suite, largest effect first</h3>"
                 "<p class=\"muted\">ratio = B / A; for times, above 1 is slower in B. Bold rows differ beyond "
                 "noise (the interval excludes 1 by more than the larger of the two runs' own relative "
                 "half-widths, shown as noise).</p>")
    if sig:
        try:
            name = save_png(_ratio_figure(sig[:60], "Results that differ beyond noise" +
                                          (" (the 60 largest)" if len(sig) > 60 else "")), out_dir, f"compare-{index}.png")
            parts.append(f"<img src=\"{name}\" alt=\"ratios of the results that differ\">")
        except ImportError as e:
            parts.append(f"<p class=\"note\">the plot needs {esc(e.name)}.</p>")
    suites = list(dict.fromkeys(r["suite"] for r in rows))
    suites.sort(key=lambda s: -sum(r["significant"] for r in rows if r["suite"] == s))   # most changes first
    for suite in suites:
        srows = [r for r in rows if r["suite"] == suite]
        moved = [r for r in srows if r["significant"]]
        parts.append(f"<h4>{esc(suite)} ({len(moved)} of {len(srows)} differ)</h4>")
        if moved:
            parts.append(_rows_table(moved))
        if len(moved) < len(srows):
            parts.append(f"<details><summary>{len(srows) - len(moved)} results within noise</summary>"
                         f"{_rows_table([r for r in srows if not r['significant']])}</details>")
    return "\n".join(parts)


def _rows_table(srows):
    return table(
            [("benchmark", ""), ("params", ""), ("A", "num"), ("B", "num"), ("unit", ""), ("ratio", "num"),
             ("95% interval", "num"), ("noise", "num"), ("", "")],
            [[("<b>%s</b>" if r["significant"] else "%s") % esc(".".join(r["benchmark"].split(".")[-2:])),
              esc(params_text(r["params"])), num(r["a"]), num(r["b"]), esc(r["unit"]),
              ("<b>%s</b>" if r["significant"] else "%s") % f"{r['ratio']:.3f}",
              f"[{r['ci'][0]:.3f}, {r['ci'][1]:.3f}]", f"±{r['noise']:.1%}",
              f"<span class=\"{r['change']}\">{r['change'] if r['significant'] else ''}</span>"] for r in srows])


def _fact(v):
    return "absent" if v is None else (v if isinstance(v, str) else json.dumps(v))


def write_compare(data, runs, out_dir):
    parts = ["<h1>ContextLab: runs compared</h1>",
             table([("", ""), ("run", ""), ("label", "")],
                   [["A" if i == 0 else chr(ord("B") + i - 1), f"<code>{esc(r.name)}</code>"
                     + (" (legacy format)" if r.legacy else ""), esc(r.label)] for i, r in enumerate(runs)]),
             f"<p class=\"muted\">Method: {esc(data['method']['interval'])}; significant when "
             f"{esc(data['method']['significant'])}. The same data: <a href=\"compare.json\">compare.json</a>.</p>"]
    parts += [_comparison_html(pair, out_dir, i + 1) for i, pair in enumerate(data["comparisons"])]
    return write(os.path.join(out_dir, "compare.html"), "ContextLab: runs compared", "\n".join(parts))
