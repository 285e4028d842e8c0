"""syscalls suite: a call's cost and the kernel's entry and exit."""
from .core import METRICS, NOT, WIRING, Verdict, claim, fmt_ci

WIRING.update({
    # a call and its return: Calls.directCall counts them as two operations (@OperationsPerInvocation(2))
    "java_call": "io.contextlab.switches.Calls.directCall",
    "java_call_other": "io.contextlab.syscalls.JavaCalls.nonInlinedCall",
    "c_call": "io.contextlab.syscalls.SyscallLoops.outOfLineCall",
    "c_empty_loop": "io.contextlab.syscalls.SyscallLoops.baselineEmptyLoop",
    "getppid": "io.contextlab.syscalls.SyscallLoops.getppid",
})
# The TSC's rate measured against CLOCK_MONOTONIC in the run itself (natives.TscClock, a secondary
# metric of getppid); metadata's tsc_khz (the kernel's figure) when a run lacks it.
METRICS.update({"tsc_hz": "tscHz"})
CALL_OPS = 2   # Calls.directCall: one call = call + return = 2 operations


@claim("call-2ns")
def call_2ns(ev):
    whole = ev.need_q("java_call", "switches") * CALL_OPS
    other = ev.one_row("java_call_other")
    extra = f"; JavaCalls.nonInlinedCall {other['score']:.2f} ns/op beside it" if other is not None else ""
    return ev.verdict(whole, "ns/call", f"2 x Calls.directCall (call + return): {fmt_ci(whole, 'ns')}{extra}")


def kernel_entry_ns(ev):
    """Q of getppid minus the empty C loop (ns), or None."""
    g, base = ev.one_row("getppid"), ev.one_row("c_empty_loop")
    if g is None or base is None:
        return None
    qg, qb = ev.q(g), ev.q(base)
    return None if qg is None or qb is None else qg - qb


def tsc_ghz(run):
    """The kernel's TSC frequency (metadata environment.tsc_khz) in GHz, or None — never the model string."""
    khz = (run.meta.get("environment") or {}).get("tsc_khz")
    try:
        return float(khz) / 1e6 if khz else None
    except (TypeError, ValueError):
        return None


@claim("kernel-entry-10-cycles")
def kernel_entry(ev):
    ns = kernel_entry_ns(ev)
    if ns is None:
        return ev.missing("syscalls", "getppid" if ev.one_row("getppid") is None else "c_empty_loop")
    hz = ev.metric_q("getppid", "tsc_hz")
    ghz, clock = (float(hz.point) / 1e9, "tscHz, the TSC measured against CLOCK_MONOTONIC in this run") if hz is not None \
        else (tsc_ghz(ev.run), "metadata tsc_khz")
    if ghz is None:
        return Verdict(ev.claim, NOT, None, None, "cycles",
                       f"cycles not measured: no measured clock (no tscHz, metadata tsc_khz is null); "
                       f"getppid minus the empty loop is {fmt_ci(ns, 'ns')}")
    q = ns * ghz
    return ev.verdict(q, "cycles", f"getppid minus the empty loop {fmt_ci(ns, 'ns')} x TSC {ghz:.3f} GHz "
                      f"({clock}); includes the run's mitigations")
