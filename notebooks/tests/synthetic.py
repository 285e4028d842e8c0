"""A small synthetic run directory in the current on-disk formats (datasets/README.md), for the tests.

Its numbers are invented (shaped like the claims' expectations, not like any machine); its layout
and field names are the real ones, so the loader, the claims and the notebooks meet the same files
`lab run` writes. Old-style secondary keys (`·gc.alloc.rate.norm`) are mixed in on purpose.
"""
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from contextlab import legacy  # noqa: E402  (the one join rule the Java writer uses too)

ALL_SUITES = ("syscalls", "switches", "stacks", "epoll", "sched", "servers", "uring", "st")
PACKAGE = {"st": "stbench"}   # a suite whose package is not its name


def _secondary(value, unit):
    """A JMH secondary metric. Unit "#" stands for @AuxCounters(EVENTS): `value` is one iteration's
    count; JMH reports the sum over the iterations (3 here) as the score, each count as a sample."""
    if unit == "#":
        return {"score": value * 3, "scoreError": "NaN", "scoreConfidence": [value * 3, value * 3],
                "scorePercentiles": {}, "scoreUnit": unit, "rawData": [[value] * 3]}
    return {"score": value, "scoreError": "NaN", "scoreConfidence": ["NaN", "NaN"], "scorePercentiles": {},
            "scoreUnit": unit, "rawData": [[value]]}


def _result(suite, benchmark, score, unit="ns/op", params=None, secondary=None, error=None):
    error = score * 0.05 if error is None else error
    raw = [score * 0.98, score, score * 1.02]
    return {
        "jmhVersion": "1.37", "benchmark": benchmark, "mode": "avgt", "threads": 1, "forks": 1,
        "jvm": "java", "jvmArgs": [], "jdkVersion": "25.0.3",
        "vmName": "OpenJDK 64-Bit Server VM", "vmVersion": "25.0.3+9-LTS", "warmupIterations": 1,
        "warmupTime": "500 ms", "warmupBatchSize": 1, "measurementIterations": 3,
        "measurementTime": "500 ms", "measurementBatchSize": 1,
        **({"params": {k: str(v) for k, v in params.items()}} if params else {}),
        "primaryMetric": {"score": score, "scoreError": error, "scoreConfidence": [score - error, score + error],
                          "scorePercentiles": {}, "scoreUnit": unit, "rawData": [raw]},
        "secondaryMetrics": {k: _secondary(v, u) for k, (v, u) in (secondary or {}).items()},
        "suite": suite,
    }


def results_for(suite):
    p = "io.contextlab." + PACKAGE.get(suite, suite) + "."
    out = []
    add = lambda *a, **k: out.append(_result(suite, *a, **k))
    if suite == "syscalls":
        for name, v in [("JavaCalls.baselineField", 0.5), ("JavaCalls.nonInlinedCall", 1.9),
                        ("JavaCalls.nanoTime", 20.0), ("SyscallLoops.baselineEmptyLoop", 0.3),
                        ("SyscallLoops.outOfLineCall", 1.5), ("SyscallLoops.getppid", 90.0),
                        ("SyscallLoops.clockGettimeVdso", 18.0), ("NativeCrossings.emptyFfm", 9.0),
                        ("NativeCrossings.getpidFfm", 100.0)]:
            add(p + name, v, secondary={"\u00b7gc.alloc.rate.norm": (0.0, "B/op")})
    elif suite == "switches":
        add(p + "Calls.baselineInlined", 1.2, error=0.1)
        add(p + "Calls.directCall", 2.4)
        add(p + "Calls.megamorphicInterfaceCall", 9.0)
        add(p + "StacklessGenerator.generatorNext", 2.8)
        add(p + "NativeCoroutines.baselineEmptyLoop", 0.8)
        add(p + "NativeCoroutines.switchCaseGenerator", 1.2)
        # @AuxCounters(EVENTS): the score is the sum over 3 iterations, the raw samples per iteration
        counts = lambda per_switch: {"syscallsPerSwitch": (per_switch, "#"),
                                     "\u00b7rtSigprocmaskPerSwitch": (per_switch, "#")}
        add(p + "NativeCoroutines.setjmpLongjmp", 6.0, secondary=counts(0.0))
        add(p + "NativeCoroutines.sigsetjmpSavingMask", 500.0, secondary=counts(2.0))
        add(p + "NativeCoroutines.ucontextSwapcontext", 260.0, secondary=counts(1.0))
        add(p + "NativeCoroutines.asmSwitch", 3.0, secondary=counts(0.0))
        for depth, v in [(1, 60.0), (10, 90.0), (100, 300.0)]:
            add(p + "ContinuationYield.runYield", v, params={"depth": depth},
                secondary={"gc.alloc.rate.norm": (depth * 16.0, "B/op"), "allocatedBytesPerStep": (0.0, "B/step")})
        for cpus, v in [("same", 2000.0), ("two", 25000.0)]:
            add(p + "PlatformThreadHandoff.handoff", v, params={"protocol": "parkUnpark", "cpus": cpus})
            add(p + "NativePingPong.pingPong", v * 0.8, params={"kind": "PIPE_PROCESSES", "cpus": cpus})
            add(p + "NativePingPong.pingPong", v * 0.78, params={"kind": "PIPE_THREADS", "cpus": cpus})
        for batch in (1, 64):
            add(p + "ProducerConsumer.coroutines", 1e6 * batch, unit="ops/s", params={"batch": batch})
            add(p + "ProducerConsumer.platformThreads", 3e4 * batch, unit="ops/s", params={"batch": batch})
        add(p + "ProtothreadLocals.yieldWithLocal", 2.0, secondary={"localsPreservedPerYield": (0.0, "fraction")})
        add(p + "Calls.continuationPassingStep", 3.0, secondary={"allocatedBytesPerStep": (32.0, "B/step")})
    elif suite == "stacks":
        for threads in (100, 1000):
            for touched in (0, 4096, 16384, 65536, 1048576):
                add(p + "PthreadStacks.startTouchAndPark", 10.0, unit="ms/op",
                    params={"threads": threads, "touchBytes": touched},
                    secondary={"rssBytesPerThread": (touched + 8192.0, "B/thread"),
                               "vmRssBytesPerThread": (touched + 8500.0, "B/thread"),
                               "minorFaultsPerThread": (touched / 4096 + 2, "faults/thread"),
                               "vmSizeBytesPerThread": (8.0 * 2**20 + 4096, "B/thread"),
                               "rssBytesRetainedPerThread": (1024.0, "B/thread")})
        for depth in (1, 10, 100):
            add(p + "VirtualThreadFootprint.startDescendAndPark", 50.0, unit="ms/op",
                params={"virtualThreads": 10000, "depth": depth},
                secondary={"bytesPerVirtualThread": (600.0 + depth * 100, "B/thread"),
                           "heapBytesPerVirtualThread": (650.0 + depth * 100, "B/thread"),
                           "rssBytesPerVirtualThread": (2000.0 + depth * 100, "B/thread")})
        add(p + "SpawnCosts.baselineRunInline", 5.0)
        add(p + "SpawnCosts.forkWait", 1500000.0, params={"parentExtraMiB": 0, "placement": "free"})
        add(p + "SpawnCosts.pthreadCreateJoin", 15000.0, params={"placement": "free"})
        add(p + "SpawnCosts.virtualThreadStartJoin", 2000.0)
        add(p + "MinorFaults.touchEveryPage", 600.0)
        add(p + "MinorFaults.mapPopulateUnmap", 150.0)
    elif suite == "epoll":
        for n in ("10", "100", "1000", "10000", "max"):
            nn = 19900 if n == "max" else int(n)
            # EVENTS counter: summed over the 3 iterations, each raw sample is n
            add(p + "EpollCtl.addDel", 300 + 20 * math.log2(nn), params={"n": n},
                secondary={"registeredFds": (float(nn), "#")})
            add(p + "EpollCtl.mod", 150 + 10 * math.log2(nn), params={"n": n})
            add(p + "PollScan.poll", 50 + 2.0 * nn, params={"n": n})
            add(p + "PollScan.epollWait", 200.0, params={"n": n})
            if n in ("10", "100", "1000"):
                add(p + "SelectScan.select", 40 + 2.5 * nn, params={"fds": n})
        for r in ("1", "10", "100", "1000", "all"):
            ready = 10000 if r == "all" else int(r)
            for maxevents in ("64", "all"):
                got = min(ready, 64 if maxevents == "64" else ready)
                params = {"registered": 10000, "r": r, "maxevents": maxevents}
                add(p + "EpollWaitLevel.levelTriggered", 200 + 30 * got, params=params,
                    secondary={"eventsPerWait": (float(got), "events/wait")})
                add(p + "EpollWaitEdge.noNewEdge", 150.0, params=params, secondary={"eventsPerWait": (0.0, "events/wait")})
                add(p + "EpollWaitEdge.edgeTriggered", 250 + 40 * got, params=params)
        add(p + "BlockingReadAfterWait.levelTriggered", 500.0, secondary={"blockedReadsPerWait": (0.0, "reads/wait")})
        add(p + "BlockingReadAfterWait.edgeTriggered", 1e6, secondary={"blockedReadsPerWait": (1.0, "reads/wait")})
        for style in ("accept", "sharedEpoll", "epollEach", "epollExclusive", "reusePort"):
            for k in (2, 4, 8):
                for cpus in ("all", "one"):
                    per = k * 0.9 if style in ("sharedEpoll", "epollEach") else 1.0
                    add(p + "ThunderingHerd.connectAndCount", 120.0, unit="us/op",
                        params={"style": style, "k": k, "cpus": cpus},
                        secondary={"connections": (100.0, "#"), "kernelWakeups": (100.0 * per, "#"),
                                   "wakeups": (100.0 * per, "#"), "spurious": (100.0 * (per - 1), "#")})
    elif suite == "sched":
        for kind in ("spin", "yield"):
            for placement in ("sameCpu", "twoCpus"):
                for bg in (0, 1, 2, 4, 8, 16, 64, 256):
                    cost = 2000 + 300 * math.log2(bg + 2) if kind == "yield" else 2000 + 500 * bg
                    add(p + "WaitBehindTimeSlices.handoff", cost,
                        params={"background": bg, "backgroundKind": kind, "placement": placement},
                        secondary={"ebpf.traced": (1.0, "bool"), "ebpf.nr_running.mean": (bg / 2.0 + 1, "tasks"),
                                   "ebpf.runqlat.p99": (1000.0 * (bg + 1), "ns"),
                                   "ebpf.cswitch.voluntary/op": (1.0, "#/op")})
        # SchedulerCost: yield grows by a log m term (its queue holds m, but for the top point, left out);
        # the ring's blocked tasks leave the queue (m/4 queued)
        for kind in ("yield", "ring"):
            for m in (1, 2, 8, 64, 512, 4096):
                cost = 500.0 if m == 1 else 1000 + 40 * math.log2(m)
                queued = (m if m < 4096 else m / 4) if kind == "yield" else max(1.0, m / 4)
                add(p + "SchedulerCost.pass", cost if kind == "yield" else 2 * cost, params={"m": m, "kind": kind},
                    secondary={"ebpf.traced": (1.0, "bool"), "ebpf.queued.busiest": (float(queued), "tasks"),
                               "ebpf.overhead.ns/op": (20.0, "ns/op"), "ebpf.disturbed": (1.0, "share"),
                               # a yield is one switch per pass; at m=64 foreign work preempted the crowd
                               "ebpf.cswitch.involuntary/op": (3.0 if m == 64 else 1.0, "#/op"),
                               "ebpf.cswitch.voluntary/op": (0.0, "#/op")})
    elif suite == "uring":
        for n in (1, 8, 64, 512):
            add(p + "NopBatching.baselineEmptyLoop", 0.7, params={"n": n}, secondary={"sqpollAvailable": (1.0, "boolean")})
            add(p + "NopBatching.getppid", 120.0, params={"n": n}, secondary={"sqpollAvailable": (1.0, "boolean")})
            add(p + "NopBatching.nopPerEnter", 60.0 + 250.0 / n, params={"n": n},
                secondary={"sqpollAvailable": (1.0, "boolean"), "syscallsPerOp": (1.0 / n, "syscalls/op")})
            add(p + "NopBatching.nopSqpoll", 60.0 + 500.0 / n, params={"n": n},
                secondary={"sqpollAvailable": (1.0, "boolean"), "syscallsPerOp": (0.0, "syscalls/op"),
                           "sqThreadCpuShare": (0.95, "CPU")})
        for source, base in (("devZero", 120.0), ("pipe", 200.0), ("file", 400.0)):
            add(p + "SmallReads.read", base, params={"source": source})
            add(p + "SmallReads.uringOneAtATime", base * 2, params={"source": source})
            add(p + "SmallReads.uringBatched", base * 0.8, params={"source": source},
                secondary={"syscallsPerOp": (1.0 / 32, "syscalls/op")})
        for method, v, carriers in (("memoryCopy", 300.0, 2), ("fileRead", 1200.0, 2), ("fileReadDirect", 15000.0, 130)):
            add(p + "VirtualThreadFileReads." + method, v,
                secondary={"carrierThreads": (float(carriers), "threads"), "carrierParallelism": (2.0, "threads"),
                           "epollAddRegularFileErrno": (1.0, "errno")})
    elif suite == "st":
        add(p + "YieldSwitch.stRuntime", 130.0, secondary={"syscallsPerSwitch": (0.0, "#")})
        # a ping's I/O wait: the program's read meeting EAGAIN, its read and the peer's write, epoll_ctl and the wait
        add(p + "SocketPing.stRuntime", 9000.0, secondary={"syscallsPerIoWait": (5.0, "syscalls/wait")})
    return out


def servers_records():
    """Points as ServersReport writes them (snake_case, latency in µs, nested errors)."""
    thread = {1: 3000, 10: 11800, 100: 10000, 1000: 5000}
    out = []
    for model, scale in (("thread", 1.0), ("fork", 1 / 12), ("virtual", 1.2), ("nginx", 3.0)):
        for c, rps in thread.items():
            out.append(dict(POINT, model=model, concurrency=c, status="measured", reason=None,
                            requests_per_s=rps * scale, ok_requests_per_s=rps * scale,
                            latency_us={"p50": 100 * c, "p90": 200 * c, "p99": 300 * c, "p999": 800 * c,
                                        "max": 900 * c, "mean": 120.0 * c, "stdev": 50.0 * c},
                            errors={"connect": 0, "read": 0, "write": 0, "timeout": 0, "non2xx": 0}))
    for model, rps in (("thread", 2000.0), ("fork", 150.0)):   # one connection per request, as the article's servers
        for c in (10, 1000):
            out.append(dict(POINT, model=model, concurrency=c, connection="close", status="measured", reason=None,
                            requests_per_s=rps / (1 if c == 10 else 3), ok_requests_per_s=rps / (1 if c == 10 else 3),
                            latency_us={"p50": 100, "p90": 200, "p99": 300, "p999": 800, "max": 900, "mean": 120.0,
                                        "stdev": 50.0},
                            errors={"connect": 0, "read": 0, "write": 0, "timeout": 0, "non2xx": 0}))
    # The article's 2x2, its Python pair: Connection: close at the article's points and 1000, three
    # repetitions each (v1 has no `repetition` key: the reader numbers them 1); thread peaks at 4
    # clients, fork serves a twelfth of it everywhere.
    py_thread = {1: 1000, 2: 1200, 3: 1400, 4: 1500, 10: 1450, 50: 1300, 100: 1200, 200: 1000, 500: 700, 1000: 300}
    for model, scale in (("py-thread", 1.0), ("py-fork", 1 / 12)):
        for c, rps in py_thread.items():
            for wobble in (0.99, 1.0, 1.01):
                out.append(dict(POINT, model=model, concurrency=c, connection="close", status="measured", reason=None,
                                requests_per_s=rps * scale * wobble, ok_requests_per_s=rps * scale * wobble,
                                latency_us={"p50": 100, "p90": 200, "p99": 300, "p999": 800, "max": 900, "mean": 120.0,
                                            "stdev": 50.0},
                                errors={"connect": 0, "read": 0, "write": 0, "timeout": 0, "non2xx": 0}))
    out.append(dict(POINT, model="fork", concurrency=10000, status="skipped", reason="beyond RLIMIT_NOFILE 20000"))
    return out


POINT = {"model": None, "concurrency": None, "connection": "keep-alive", "status": None, "reason": None,
         "wrk_threads": 2, "duration_s": 2.0, "requests": None, "requests_per_s": None, "ok_requests_per_s": None,
         "bytes_per_s": None, "latency_us": None, "errors": None, "server_connections": None,
         "unanswered_connections": None, "server": None, "cpu": None, "fds_after_drain": None,
         "sockets_left_after_drain": None, "drain_ms": None}


def servers_document(at):
    """servers.json (contextlab.servers/1) with the synthetic points."""
    models = ("thread", "fork", "virtual", "nginx")
    return {"format": "contextlab.servers/1", "mode": "quick", "started": at, "finished": at,
            "settings": {"models": list(models), "concurrency": [1, 10, 100, 1000], "close_concurrency": [10],
                         "duration_s": 2.0, "close_duration_s": 1.0, "warmup_s": 1.0, "warmup_connections": 10,
                         "wrk_threads": "2", "wrk_timeout_s": 4.0, "idle_timeout_ms": 30000, "pool_workers": 256,
                         "event_loops": 2, "java_options": ["-Xmx1g"], "sample_at": [0.5], "ratio_concurrency": 1000},
            "environment": {"cpus": 2, "java_version": "25.0.3", "wrk": "wrk 4.1.0", "nginx": "nginx/1.22.1",
                            "nofile_soft": 20000, "nofile_hard": 20000, "somaxconn": "4096",
                            "tcp_max_syn_backlog": "2048", "ip_local_port_range": "32768 60999", "tcp_tw_reuse": "2",
                            "tcp_congestion_control": "cubic", "pid_max": "4194304", "threads_max": "30000",
                            "loadavg_at_start": "0.10 0.10 0.10 1/100 1000"},
            "servers": [{"model": m, "kind": "reference" if m == "nginx" else "java", "description": m,
                         "command": [m], "port": 18080 + i, "status": "ok", "reason": None, "startup_ms": 100,
                         "idle_fds": 7, "idle_threads": 15, "idle_rss_kb": 50000, "exit_code": 0, "stop_ms": 10}
                        for i, m in enumerate(models)],
            "points": servers_records(),
            "ratio_to_nginx": {"concurrency": 1000, "best_java_model": "virtual", "best_java_requests_per_s": 6000.0,
                               "nginx_requests_per_s": 15000.0, "ratio": 0.4, "reason": None, "excluded": {}}}


# The perturbation step's rounds: the machine's drift from round to round, and what each tier adds.
ROUND_DRIFT = (1.0, 1.2, 0.9, 1.15, 1.05, 0.95)
TIER_FACTOR = {"ebpf-untraced": 1.0, "ebpf-traced": 1.3, "ebpf-detail": 1.6}
TIER_ROUNDS = {"ebpf-untraced": 6, "ebpf-traced": 6, "ebpf-detail": 3}
PROBE_SHARE = {"ebpf-traced": 0.05, "ebpf-detail": 0.25}   # ebpf.overhead.ns/op over the untraced op


def perturbation_twins():
    """What the ebpf-perturbation step adds: the step's benchmarks in rounds, one fork per side per
    round, each side's forks in round order (key "rounds"); the machine drifts between rounds
    (ROUND_DRIFT) and each tier multiplies its round's untraced op by TIER_FACTOR."""
    out = []
    for suite, factor in TIER_FACTOR.items():
        rounds = list(range(1, TIER_ROUNDS[suite] + 1))
        for bench, base, params in (("io.contextlab.syscalls.SyscallLoops.getppid", 9000.0, None),
                                    ("io.contextlab.sched.WaitBehindTimeSlices.handoff", 99000.0,
                                     {"background": 0, "backgroundKind": "spin", "placement": "sameCpu"})):
            secondary = {"ebpf.overhead.ns/op": (base * PROBE_SHARE[suite], "ns/op")} if suite in PROBE_SHARE else None
            r = _result(suite, bench, base * factor, params=params, secondary=secondary)
            r["forks"] = len(rounds)
            r["rounds"] = rounds
            r["primaryMetric"]["rawData"] = [[base * ROUND_DRIFT[i - 1] * factor] * 2 for i in rounds]
            if secondary:
                probe = r["secondaryMetrics"]["ebpf.overhead.ns/op"]
                probe["rawData"] = [[base * ROUND_DRIFT[i - 1] * PROBE_SHARE[suite]] * 2 for i in rounds]
            out.append(r)
    return out


def perturbation_draw():
    """metadata.json's perturbation of a run with the step: the seed and each round's order."""
    return {"seed": 17, "rounds": [[s for s in TIER_FACTOR if TIER_ROUNDS[s] >= i] for i in range(1, 7)]}


ENVIRONMENT = {  # the keys of contextlab.metadata/2's environment (DESIGN: the facts of `lab doctor`)
    "kernel_cmdline": "quiet", "cpu_model": "Synthetic CPU @ 2.00GHz", "cpus_online": 2, "threads_per_core": 1,
    "smt_active": False, "frequency_governor": "not visible", "turbo": "not visible", "virtualization": "none",
    "clocksource": "tsc", "mitigations": {"spectre_v2": "Mitigation: synthetic"}, "transparent_hugepages": "madvise",
    "btf": True, "lockdown": "none", "root": True,
    "capabilities": {"CAP_BPF": True, "CAP_PERFMON": True, "CAP_SYS_ADMIN": True}, "perf_event_paranoid": 2,
    "rlimit_nofile": {"soft": 20000, "hard": 20000}, "hardware_perf_counters": False,
    "memory": {"MemTotal": "4000000 kB"}, "loadavg": [0.1, 0.1, 0.1],
    "jdk": {"version": "25.0.3", "vendor": "Synthetic", "vm": "OpenJDK 64-Bit Server VM", "vm_version": "25.0.3+9",
            "banner": "openjdk version 25.0.3"},
    "tracefs_mounted": True, "tracing": {"available": False, "libbpf": None, "probes": [], "attach_types": [],
                                         "reason": "synthetic"},
    "gcc": "12.2.0", "clang": None, "libbpf": None, "perf": None, "python": "3.11.2",
    "microcode": "0x1", "cpu_vendor": "GenuineIntel", "cpu_family_model": "6/85/7", "tsc_khz": 2000000,
}


def crosscheck(suite, check, benchmark, params, metric, unit, value, tolerance, results):
    """One contextlab.crosscheck/1 line as the CLI writes it: the JMH side joined by the one rule."""
    measured = legacy.joined(benchmark, params, metric, results, suite) if benchmark else None
    ratio, verdict = legacy.verdict(measured, value, tolerance)
    return {"format": "contextlab.crosscheck/1", "suite": suite, "check": check, "benchmark": benchmark,
            "params": params, "metric": metric, "unit": unit,
            "reference": {"command": "synthetic_loop 1000", "method": "median of 3 rounds", "value": value,
                          "samples": [value, value, value]},
            "measured": measured, "ratio": ratio, "ratio_ci": None, "pairs": 1, "tolerance": tolerance,
            "verdict": verdict}


def make_run(root, name="20260101T000000Z-synthetic", measured=("syscalls", "switches", "epoll"),
             failed=("sched",), skipped=("stacks",), host="synthetic", kernel="6.1.0-test"):
    """Writes a run directory in the current formats (metadata/2, crosscheck/1, servers/1, trace/1)
    under root and returns its path. Suites in `measured` get results (and `servers` a
    servers.json); `failed` and `skipped` are recorded as such in metadata.json."""
    path = os.path.join(root, name)
    os.makedirs(path)
    results = [r for s in measured if s != "servers" for r in results_for(s)]
    if "sched" in measured:
        results += perturbation_twins()
    count = lambda s: sum(1 for r in results if r["suite"] == s)
    at = "2026-01-01T00:00:00Z"
    suites = {s: {"status": "measured", "reason": None, "started": at, "finished": at, "benchmarks": count(s)}
              for s in measured}
    suites.update({s: {"status": "failed", "reason": "JMH exited with 1 (see log)", "started": at, "finished": at,
                       "benchmarks": None} for s in failed})
    suites.update({s: {"status": "skipped", "reason": "not selected with --suites", "started": None,
                       "finished": None, "benchmarks": None} for s in skipped})
    meta = {"format": "contextlab.metadata/2", "run": name, "started": at, "finished": "2026-01-01T00:10:00Z",
            "status": "complete", "mode": "quick", "command": "scripts/lab run", "git": {"commit": None, "dirty": None},
            "environment": dict(ENVIRONMENT, host=host, kernel=f"Linux {kernel} x86_64"),
            "warnings": ["synthetic run: invented numbers"],
            "jmh": {"version": "1.37", "fork_jvm_flags": ["--enable-native-access=ALL-UNNAMED"],
                    "suites": [{"name": s, "include": f"io\\.contextlab\\.{PACKAGE.get(s, s)}\\.", "args": "-f 1"}
                               for s in measured if s != "servers"]},
            "suites": suites, "benchmarks": len(results),
            "perturbation": perturbation_draw() if "sched" in measured else None}
    with open(os.path.join(path, "metadata.json"), "w") as f:
        json.dump(meta, f, indent=2)
    with open(os.path.join(path, "jmh.json"), "w") as f:
        json.dump(results, f, indent=2)
    checks = []
    if "syscalls" in measured:
        checks.append(crosscheck("syscalls", "getppid", "io.contextlab.syscalls.SyscallLoops.getppid", {},
                                 "primary", "ns/op", 88.0, 0.15, results))
        checks.append(crosscheck("syscalls", "getppid, one thread", None, {}, "primary", "ns/op", 80.0, None, results))
    if "stacks" in measured:
        checks.append(crosscheck("stacks", "fork+waitpid from a small C process (not a JVM)",
                                 "io.contextlab.stacks.SpawnCosts.forkWait", {"parentExtraMiB": "0", "placement": "free"},
                                 "primary", "ns/op", 100000.0, None, results))
        checks.append(crosscheck("stacks", "rss 16k", "io.contextlab.stacks.PthreadStacks.startTouchAndPark",
                                 {"threads": "1000", "touchBytes": "16384"}, "rssBytesPerThread", "B/thread",
                                 24000, 0.2, results))
    with open(os.path.join(path, "crosscheck.jsonl"), "w") as f:
        f.writelines(json.dumps(c) + "\n" for c in checks)
    if "servers" in measured:
        with open(os.path.join(path, "servers.json"), "w") as f:
            json.dump(servers_document(at), f, indent=2)
    os.makedirs(os.path.join(path, "traces"))
    with open(os.path.join(path, "traces", "trace.json"), "w") as f:
        json.dump({"format": "contextlab.trace/1", "target_pid": 1, "command": ["synthetic"], "seconds": 1.0,
                   "runqlen_sample_hz": 99, "probes": {}}, f, indent=2)
    for log in ("log", "references.log"):
        with open(os.path.join(path, log), "w") as f:
            f.write("synthetic\n")
    return path
