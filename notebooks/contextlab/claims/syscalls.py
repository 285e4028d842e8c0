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
# TSC cycles per operation measured around the C loop (rdtsc, i15java); preferred to metadata's tsc_khz.
METRICS.update({"cycles_per_op": "cyclesPerOp"})
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
    cyc_g = ev.metric_q("getppid", "cycles_per_op")
    cyc_b = ev.metric_q("c_empty_loop", "cycles_per_op")
    if cyc_g is not None and cyc_b is not None:
        q = cyc_g - cyc_b
        return ev.verdict(q, "cycles", f"getppid minus the empty loop in TSC cycles (cyclesPerOp): {fmt_ci(q, 'cycles')}")
    ns = kernel_entry_ns(ev)
    if ns is None:
        return ev.missing("syscalls", "getppid" if ev.one_row("getppid") is None else "c_empty_loop")
    ghz = tsc_ghz(ev.run)
    if ghz is None:
        return Verdict(ev.claim, NOT, None, None, "cycles",
                       f"cycles not measured: no measured clock (metadata tsc_khz is null and no cyclesPerOp); "
                       f"getppid minus the empty loop is {fmt_ci(ns, 'ns')}")
    q = ns * ghz
    return ev.verdict(q, "cycles", f"getppid minus the empty loop {fmt_ci(ns, 'ns')} x TSC {ghz:.3f} GHz "
                      f"(metadata tsc_khz); includes the run's mitigations")
