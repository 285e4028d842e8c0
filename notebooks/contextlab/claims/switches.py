"""switches suite: the switch-cost ladder, ns per one-way switch; syscalls per switch counted."""
import math

from .core import FAILS, HOLDS, METRICS, PARTLY, WIRING, Verdict, claim

WIRING.update({
    "asm_switch": "io.contextlab.switches.NativeCoroutines.asmSwitch",
    "setjmp_switch": "io.contextlab.switches.NativeCoroutines.setjmpLongjmp",
    "ucontext_switch": "io.contextlab.switches.NativeCoroutines.ucontextSwapcontext",
    "protothread_switch": "io.contextlab.switches.NativeCoroutines.switchCaseGenerator",
    "continuation_switch": "io.contextlab.switches.ContinuationYield.runYield",
    # plotted beside the claims in 01-switches
    "producer_consumer": "io.contextlab.switches.ProducerConsumer",
})
METRICS.update({"syscalls_per_switch": "syscallsPerSwitch"})

STACKFUL = ("asm_switch", "setjmp_switch", "ucontext_switch", "continuation_switch")


@claim("coroutine-switch-50ns")
def coroutine_switch(ev):
    found = [(k, ev.one(k)) for k in STACKFUL]
    found = [(k, f) for k, f in found if f]
    if not found:
        return ev.missing("coroutine-switch-50ns", "switches", "asm_switch")
    k, (v, e, name) = min(found, key=lambda kf: kf[1][0])
    verdict = HOLDS if v >= 40 else FAILS if v < 25 else PARTLY
    if verdict == HOLDS and e == e and v - e < 25:
        verdict = PARTLY  # the 99.9% interval reaches "does not hold": this run cannot tell
    others = ", ".join(f"{f[2]} {f[0]:.1f}" for _, f in found)
    return Verdict("coroutine-switch-50ns", verdict, v, e, "ns/switch", f"cheapest: {name}; all: {others}")


def syscalls_per_switch(ev, what):
    """(count per switch, name) from syscallsPerSwitch (one iteration's count), or None when the
    run has no count (NaN: the suite could not count syscalls on that machine)."""
    m = ev.metric(what, "syscalls_per_switch")
    if m.empty:
        return None
    r = m.iloc[0]
    if not math.isfinite(r["value"]):
        return None
    return float(r["value"]), f"{r['name']} {r['metric']}"


@claim("swapcontext-enters-kernel")
def swapcontext(ev):
    count = syscalls_per_switch(ev, "ucontext_switch")
    if count is None:
        return ev.missing("swapcontext-enters-kernel", "switches", "ucontext_switch", "syscalls_per_switch")
    verdict = HOLDS if count[0] >= 0.9 else FAILS if count[0] < 0.1 else PARTLY
    return Verdict("swapcontext-enters-kernel", verdict, count[0], float("nan"), "syscalls/switch", count[1])


@claim("setjmp-no-syscall")
def setjmp(ev):
    count = syscalls_per_switch(ev, "setjmp_switch")
    if count is None:
        return ev.missing("setjmp-no-syscall", "switches", "setjmp_switch", "syscalls_per_switch")
    return Verdict("setjmp-no-syscall", HOLDS if count[0] < 0.1 else FAILS, count[0], float("nan"),
                   "syscalls/switch", count[1])


@claim("c-coroutine-ranking")
def ranking(ev):
    p, s, u = ev.one("protothread_switch"), ev.one("setjmp_switch"), ev.one("ucontext_switch")
    if u is None or (p is None and s is None):
        return ev.missing("c-coroutine-ranking", "switches", "ucontext_switch" if u is None else "setjmp_switch")
    if p is not None and s is not None:
        order = p[0] < s[0] < u[0]
        verdict = HOLDS if order else PARTLY if u[0] > max(p[0], s[0]) else FAILS
        detail = f"protothread {p[0]:.2f}, setjmp {s[0]:.2f}, ucontext {u[0]:.2f} ns per switch"
    else:
        lighter = p or s
        verdict = PARTLY if lighter[0] < u[0] else FAILS
        detail = f"{lighter[2]} {lighter[0]:.2f} vs ucontext {u[0]:.2f} ns (one rung missing)"
    return Verdict("c-coroutine-ranking", verdict, u[0] / (s or p)[0], float("nan"), "x (ucontext / setjmp)", detail)

