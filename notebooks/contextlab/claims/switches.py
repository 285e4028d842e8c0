"""switches suite: the switch-cost ladder, ns per one-way switch; syscalls per switch counted;
threads against processes; coroutines against threads; where a step keeps its state."""
from .core import METRICS, WIRING, claim, fmt_ci, judge, matches, rng_for, verdict_of

WIRING.update({
    "asm_switch": "io.contextlab.switches.NativeCoroutines.asmSwitch",
    "setjmp_switch": "io.contextlab.switches.NativeCoroutines.setjmpLongjmp",
    "ucontext_switch": "io.contextlab.switches.NativeCoroutines.ucontextSwapcontext",
    "protothread_switch": "io.contextlab.switches.NativeCoroutines.switchCaseGenerator",
    "continuation_switch": "io.contextlab.switches.ContinuationYield.runYield",
    "ping_pong": "io.contextlab.switches.NativePingPong.pingPong",
    "producer_consumer": "io.contextlab.switches.ProducerConsumer",
    # i15java (issue 15): a protothread local across a yield; the state a step keeps, allocated per step
    "protothread_locals": "io.contextlab.switches.ProtothreadLocals.yieldWithLocal",
    "state_callback": "io.contextlab.switches.StateKeeping.callbackStep",
    "state_continuation": "io.contextlab.switches.StateKeeping.continuationStep",
})
METRICS.update({"syscalls_per_switch": "syscallsPerSwitch", "locals_kept": "localsPreservedPerYield",
                "alloc": "gc.alloc.rate.norm"})
# Benchmarks named by claims that the 2026-11-22 run did not have (i15java adds them).
NEW_BENCHMARKS = {WIRING["protothread_locals"], WIRING["state_callback"], WIRING["state_continuation"]}

STACKFUL = ("asm_switch", "setjmp_switch", "ucontext_switch", "continuation_switch")


@claim("coroutine-switch-50ns")
def coroutine_switch(ev):
    rng = rng_for("coroutine-switch-50ns")
    found = [(k, ev.one_row(k)) for k in STACKFUL]
    found = [(k, r) for k, r in found if r is not None]
    if not found:
        return ev.missing("coroutine-switch-50ns", "switches", "asm_switch")
    k, row = min(found, key=lambda kr: kr[1]["score"])
    q = ev.q(row, rng)
    others = ", ".join(f"{r['name']} {r['score']:.1f}" for _, r in found)
    return verdict_of("coroutine-switch-50ns", q, "ns/switch", f"cheapest stackful switch {q.name}: "
                      f"{fmt_ci(q, 'ns')}; all: {others}")


def _count(ev, cid, what):
    q = ev.metric_q(what, "syscalls_per_switch", rng_for(cid))
    if q is None or q.point != q.point:
        return None
    return q


@claim("swapcontext-enters-kernel")
def swapcontext(ev):
    q = _count(ev, "swapcontext-enters-kernel", "ucontext_switch")
    if q is None:
        return ev.missing("swapcontext-enters-kernel", "switches", "ucontext_switch", "syscalls_per_switch")
    return verdict_of("swapcontext-enters-kernel", q, "syscalls/switch", f"{q.name} per iteration: {fmt_ci(q)}")


@claim("setjmp-no-syscall")
def setjmp(ev):
    q = _count(ev, "setjmp-no-syscall", "setjmp_switch")
    if q is None:
        return ev.missing("setjmp-no-syscall", "switches", "setjmp_switch", "syscalls_per_switch")
    return verdict_of("setjmp-no-syscall", q, "syscalls/switch", f"{q.name} per iteration: {fmt_ci(q)}")


@claim("c-coroutine-ranking")
def ranking(ev):
    rng = rng_for("c-coroutine-ranking")
    rows = {k: ev.one_row(k) for k in ("protothread_switch", "setjmp_switch", "ucontext_switch")}
    missing = [k for k, r in rows.items() if r is None]
    if missing:
        return ev.missing("c-coroutine-ranking", "switches", missing[0])
    p, s, u = (ev.q(rows[k], rng) for k in ("protothread_switch", "setjmp_switch", "ucontext_switch"))
    light, heavy = s / p, u / s
    parts = [("protothread lighter than setjmp (setjmp/protothread above 1)", judge(light, "above", 1.0)),
             ("ucontext heavier than setjmp (ucontext/setjmp above 1)", judge(heavy, "above", 1.0))]
    return verdict_of("c-coroutine-ranking", heavy, "x (ucontext / setjmp)",
                      f"protothread {fmt_ci(p, 'ns')}, setjmp {fmt_ci(s, 'ns')}, ucontext {fmt_ci(u, 'ns')}; "
                      f"setjmp/protothread {fmt_ci(light, 'x')}", parts)


@claim("thread-process-switch-same")
def thread_vs_process(ev):
    cid = "thread-process-switch-same"
    rng = rng_for(cid)
    t = ev.one_row("ping_pong", kind="PIPE_THREADS", cpus="same")
    p = ev.one_row("ping_pong", kind="PIPE_PROCESSES", cpus="same")
    if t is None or p is None:
        return ev.missing(cid, "switches", "ping_pong")
    qt, qp = ev.q(t, rng), ev.q(p, rng)
    r = qp / qt
    return verdict_of(cid, r, "x (processes / threads)", f"pipe ping-pong on one CPU: processes {fmt_ci(qp, 'ns')}, "
                      f"threads {fmt_ci(qt, 'ns')} per one-way pass")


@claim("producer-consumer-coroutines")
def producer_consumer(ev):
    cid = "producer-consumer-coroutines"
    rng = rng_for(cid)
    rows = ev.rows("producer_consumer")
    if rows.empty or "p_batch" not in rows:
        return ev.missing(cid, "switches", "producer_consumer")
    pick = lambda m: rows[(rows["method"] == m) & matches(rows["p_batch"], 1)]
    c, t = pick("coroutines"), pick("platformThreads")
    if c.empty or t.empty:
        return ev.missing(cid, "switches", "producer_consumer")
    qc, qt = ev.q(c.iloc[0], rng), ev.q(t.iloc[0], rng)
    r = qc / qt
    return verdict_of(cid, r, "x (items/s, coroutines / threads)",
                      f"batch 1: coroutines {fmt_ci(qc, 'items/s')}, platform threads {fmt_ci(qt, 'items/s')}")


@claim("protothread-locals-lost")
def protothread_locals(ev):
    cid = "protothread-locals-lost"
    q = ev.metric_q("protothread_locals", "locals_kept", rng_for(cid))
    if q is None:
        return ev.missing(cid, "switches", "protothread_locals", "locals_kept")
    return verdict_of(cid, q, "fraction of yields", f"{q.name}: {fmt_ci(q)} of yields kept an automatic local")


@claim("callbacks-heap-coroutines-stack")
def state_on_heap(ev):
    cid = "callbacks-heap-coroutines-stack"
    rng = rng_for(cid)
    cb = ev.metric_q("state_callback", "alloc", rng)
    co = ev.metric_q("state_continuation", "alloc", rng)
    if cb is None or co is None:
        return ev.missing(cid, "switches", "state_callback" if cb is None else "state_continuation", "alloc")
    d = cb - co
    return verdict_of(cid, d, "B/step", f"callback step {fmt_ci(cb, 'B')}, continuation step {fmt_ci(co, 'B')} "
                      "allocated per step (JMH gc profiler)")
