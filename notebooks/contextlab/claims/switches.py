"""switches suite: the switch-cost ladder, ns per one-way switch; syscalls per switch counted;
threads against processes; coroutines against threads; where a step keeps its state."""
from .core import METRICS, WIRING, claim, fmt_ci, judge

WIRING.update({
    "asm_switch": "io.contextlab.switches.NativeCoroutines.asmSwitch",
    "setjmp_switch": "io.contextlab.switches.NativeCoroutines.setjmpLongjmp",
    "ucontext_switch": "io.contextlab.switches.NativeCoroutines.ucontextSwapcontext",
    "protothread_switch": "io.contextlab.switches.NativeCoroutines.switchCaseGenerator",
    "continuation_switch": "io.contextlab.switches.ContinuationYield.runYield",
    "ping_pong": "io.contextlab.switches.NativePingPong.pingPong",
    "producer_consumer": "io.contextlab.switches.ProducerConsumer",
    "pc_coroutines": "io.contextlab.switches.ProducerConsumer.coroutines",
    "pc_threads": "io.contextlab.switches.ProducerConsumer.platformThreads",
    # issue 15: a protothread local across a yield; the state a step keeps, allocated per step
    "protothread_locals": "io.contextlab.switches.ProtothreadLocals.yieldWithLocal",
    "state_callback": "io.contextlab.switches.Calls.continuationPassingStep",
    "state_continuation": "io.contextlab.switches.ContinuationYield.runYield",
})
METRICS.update({"syscalls_per_switch": "syscallsPerSwitch", "locals_kept": "localsPreservedPerYield",
                "alloc": "allocatedBytesPerStep"})
# Benchmarks named by claims that the 2026-11-22 run did not have (added in issue 15; kept for the legacy reader).
NEW_BENCHMARKS = {WIRING["protothread_locals"]}

STACKFUL = ("asm_switch", "setjmp_switch", "ucontext_switch", "continuation_switch")


@claim("coroutine-switch-50ns")
def coroutine_switch(ev):
    found = [(k, ev.one_row(k)) for k in STACKFUL]
    found = [(k, r) for k, r in found if r is not None]
    if not found:
        return ev.missing("switches", "asm_switch")
    k, row = min(found, key=lambda kr: kr[1]["score"])
    q = ev.q(row)
    others = ", ".join(f"{r['name']} {r['score']:.1f}" for _, r in found)
    return ev.verdict(q, "ns/switch", f"cheapest stackful switch {q.name}: "
                      f"{fmt_ci(q, 'ns')}; all: {others}")


def _syscall_count(ev, what):
    q = ev.need_metric(what, "syscalls_per_switch", "switches")
    return ev.verdict(q, "syscalls/switch", f"{q.name} per iteration: {fmt_ci(q)}")


@claim("swapcontext-enters-kernel")
def swapcontext(ev):
    return _syscall_count(ev, "ucontext_switch")


@claim("setjmp-no-syscall")
def setjmp(ev):
    return _syscall_count(ev, "setjmp_switch")


@claim("c-coroutine-ranking")
def ranking(ev):
    p, s, u = (ev.need_q(k, "switches") for k in ("protothread_switch", "setjmp_switch", "ucontext_switch"))
    order = {"setjmp/protothread": s / p, "ucontext/setjmp": u / s}   # each above 1 in the article's order
    parts = [(f"{name} above 1", judge(ratio, "above", 1.0)) for name, ratio in order.items()]
    shown = "; ".join(f"{name} {fmt_ci(ratio, 'x')}" for name, ratio in order.items())
    return ev.verdict(order["ucontext/setjmp"], "x (ucontext / setjmp)", f"protothread {fmt_ci(p, 'ns')}, "
                      f"setjmp {fmt_ci(s, 'ns')}, ucontext {fmt_ci(u, 'ns')}; {shown}", parts)


@claim("thread-process-switch-same")
def thread_vs_process(ev):
    qt = ev.need_q("ping_pong", "switches", kind="PIPE_THREADS", cpus="same")
    qp = ev.need_q("ping_pong", "switches", kind="PIPE_PROCESSES", cpus="same")
    r = qp / qt
    return ev.verdict(r, "x (processes / threads)", f"pipe ping-pong on one CPU: processes {fmt_ci(qp, 'ns')}, "
                      f"threads {fmt_ci(qt, 'ns')} per one-way pass")


@claim("producer-consumer-coroutines")
def producer_consumer(ev):
    qc = ev.need_q("pc_coroutines", "switches", batch=1)
    qt = ev.need_q("pc_threads", "switches", batch=1)
    r = qc / qt
    return ev.verdict(r, "x (items/s, coroutines / threads)",
                      f"batch 1: coroutines {fmt_ci(qc, 'items/s')}, platform threads {fmt_ci(qt, 'items/s')}")


@claim("protothread-locals-lost")
def protothread_locals(ev):
    q = ev.need_metric("protothread_locals", "locals_kept", "switches")
    return ev.verdict(q, "fraction of yields", f"{q.name}: {fmt_ci(q)} of yields kept an automatic local")


@claim("callbacks-heap-coroutines-stack")
def state_on_heap(ev):
    cb = ev.need_metric("state_callback", "alloc", "switches")
    co = ev.need_metric("state_continuation", "alloc", "switches", depth=1)
    d = cb - co
    return ev.verdict(d, "B/step", f"CPS step {fmt_ci(cb, 'B')}, continuation run+yield (depth 1) {fmt_ci(co, 'B')} "
                      "allocated per step (allocatedBytesPerStep: the thread's allocated bytes around the loop)")
