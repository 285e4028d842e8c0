"""syscalls suite: a call's cost and the kernel's entry and exit."""
from .core import FAILS, HOLDS, NOT, PARTLY, WIRING, Verdict, _diff_err, claim

WIRING.update({
    # the claim's rule takes the cheaper of the two non-inlined Java calls
    "java_call": ("io.contextlab.switches.Calls.directCall", "io.contextlab.syscalls.JavaCalls.nonInlinedCall"),
    "c_call": "io.contextlab.syscalls.SyscallLoops.outOfLineCall",
    "c_empty_loop": "io.contextlab.syscalls.SyscallLoops.baselineEmptyLoop",
    "getppid": "io.contextlab.syscalls.SyscallLoops.getppid",
})


@claim("call-2ns")
def call_2ns(ev):
    java = ev.one("java_call")
    if java is None:
        return ev.missing("call-2ns", "syscalls", "java_call")
    v, e, name = java
    c = ev.one("c_call")
    extra = f"; C out-of-line call {c[0]:.2f} ns" if c else ""
    ratio = v / 2.0
    verdict = HOLDS if 0.25 <= ratio <= 2 else PARTLY if ratio <= 5 else FAILS
    return Verdict("call-2ns", verdict, v, e, "ns", f"{name}{extra}")


def kernel_entry_ns(ev):
    """(ns, error, getppid ns, empty loop ns): getppid minus the empty C loop, or None."""
    g, base = ev.one("getppid"), ev.one("c_empty_loop")
    if g is None or base is None:
        return None
    return g[0] - base[0], _diff_err(g[1], base[1]), g[0], base[0]


@claim("kernel-entry-10-cycles")
def kernel_entry(ev):
    entry = kernel_entry_ns(ev)
    if entry is None:
        return ev.missing("kernel-entry-10-cycles", "syscalls",
                          "getppid" if ev.one("getppid") is None else "c_empty_loop")
    ns, err, g, _ = entry
    ghz = ev.run.cpu_ghz()
    if ghz is None:
        return Verdict("kernel-entry-10-cycles", NOT, None, None, "cycles",
                       f"cycles not measured: the CPU clock is unknown (no '@ x GHz' in the CPU model); "
                       f"getppid minus the empty loop is {ns:.1f} ns")
    cycles, cerr = ns * ghz, err * ghz
    verdict = HOLDS if cycles <= 20 else PARTLY if cycles <= 100 else FAILS
    return Verdict("kernel-entry-10-cycles", verdict, cycles, cerr, "cycles",
                   f"getppid {g:.1f} ns minus empty loop, x {ghz} GHz nominal; includes the run's "
                   f"mitigations ({len(ev.run.meta.get('warnings', []))} environment warnings)")
