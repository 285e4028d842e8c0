"""A small synthetic run directory in the on-disk format (datasets/README.md), for the tests.

Its numbers are invented (shaped like the claims' expectations, not like any machine); its layout
and field names are the real ones, so the loader, the claims and the notebooks meet the same files
`lab run` writes. Old-style secondary keys (`·gc.alloc.rate.norm`) are mixed in on purpose.
"""
import json
import math
import os

ALL_SUITES = ("syscalls", "switches", "stacks", "epoll", "sched", "servers")


def _result(suite, benchmark, score, unit="ns/op", params=None, secondary=None, error=None):
    error = score * 0.05 if error is None else error
    raw = [score * 0.98, score, score * 1.02]
    return {
        "jmhVersion": "1.37", "benchmark": benchmark, "mode": "avgt", "threads": 1, "forks": 1,
        "jvm": "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java", "jvmArgs": [], "jdkVersion": "25.0.3",
        "vmName": "OpenJDK 64-Bit Server VM", "vmVersion": "25.0.3+9-LTS", "warmupIterations": 1,
        "warmupTime": "500 ms", "warmupBatchSize": 1, "measurementIterations": 3,
        "measurementTime": "500 ms", "measurementBatchSize": 1,
        **({"params": {k: str(v) for k, v in params.items()}} if params else {}),
        "primaryMetric": {"score": score, "scoreError": error, "scoreConfidence": [score - error, score + error],
                          "scorePercentiles": {}, "scoreUnit": unit, "rawData": [raw]},
        "secondaryMetrics": {k: {"score": v, "scoreError": "NaN", "scoreConfidence": ["NaN", "NaN"],
                                 "scorePercentiles": {}, "scoreUnit": u, "rawData": [[v]]}
                             for k, (v, u) in (secondary or {}).items()},
        "suite": suite,
    }


def results_for(suite):
    p = "io.contextlab." + suite + "."
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
        add(p + "NativeSwitches.protothread", 1.2)
        add(p + "NativeSwitches.setjmpLongjmp", 6.0, secondary={"syscalls.per.switch": (0.0, "#/op")})
        add(p + "NativeSwitches.ucontextSwapcontext", 260.0, secondary={"\u00b7syscalls.per.switch": (1.0, "#/op")})
        add(p + "NativeSwitches.asmSwitch", 3.0)
        for frames, v in [(1, 60.0), (10, 90.0), (100, 300.0)]:
            add(p + "ContinuationSwitch.continuationYield", v, params={"frames": frames},
                secondary={"gc.alloc.rate.norm": (frames * 16.0, "B/op")})
        for cpus, v in [("same", 2000.0), ("two", 25000.0)]:
            add(p + "ThreadHandoff.parkUnpark", v, params={"cpus": cpus})
    elif suite == "stacks":
        for touched in (4096, 16384, 65536, 1048576):
            add(p + "PthreadStacks.touchAndBlock", 1e5, params={"threads": 100, "touched": touched},
                secondary={"rss.per.thread": (touched + 8192.0, "bytes"),
                           "rss.retained.per.thread": (touched * 0.95, "bytes"),
                           "minor.faults.per.thread": (touched / 4096 + 2, "faults")})
        for depth in (1, 10, 100):
            add(p + "VirtualThreadFootprint.parked", 1e4, params={"depth": depth, "count": 10000},
                secondary={"heap.bytes.per.vthread": (600.0 + depth * 100, "bytes")})
        add(p + "Spawn.forkWaitpid", 150000.0)
        add(p + "Spawn.pthreadCreateJoin", 15000.0)
        add(p + "Spawn.virtualThreadStartJoin", 2000.0)
    elif suite == "epoll":
        for n in (10, 100, 1000, 10000):
            add(p + "EpollCtl.addDel", 300 + 20 * math.log2(n), params={"n": n})
            add(p + "PollSelect.poll", 50 + 2.0 * n, params={"n": n})
            for ready in (1, 10, 100):
                if ready <= n:
                    for trig, events in (("level", ready), ("edge", max(1, ready // 10))):
                        add(p + "EpollWait.wait", 200 + 30 * ready, params={"n": n, "ready": ready, "trigger": trig},
                            secondary={"events.per.wait": (float(events), "#/op")})
        for style, wake in (("accept", 1.0), ("epollShared", 3.5), ("epollExclusive", 1.1), ("reuseport", 1.0)):
            for k in (2, 4):
                add(p + "Herd.connect", 50000.0, params={"style": style, "waiters": k},
                    secondary={"wakeups.per.connection": (wake if style != "epollShared" else k * 0.9, "#/op")})
    elif suite == "sched":
        for m in (1, 2, 4, 8, 16, 64, 256):
            add(p + "RunQueue.handoff", 2000 + 300 * math.log2(m), params={"m": m},
                secondary={"runqlen.mean": (m / 2.0, "tasks"), "runqlat.p99": (1000.0 * m, "ns")})
    return out


def servers_records():
    thread = {1: 3000, 2: 9000, 4: 12000, 10: 11800, 50: 11000, 100: 10000, 200: 8000, 500: 5000}
    out = []
    for c, rps in thread.items():
        out.append({"model": "thread", "concurrency": c, "requests_per_s": rps, "latency_p50_ms": c / 10,
                    "latency_p99_ms": c / 3, "errors": 0})
        out.append({"model": "fork", "concurrency": c, "requests_per_s": rps / 12, "latency_p50_ms": c,
                    "latency_p99_ms": c * 3, "errors": 0})
        out.append({"model": "virtual", "concurrency": c, "requests_per_s": rps * 1.2, "errors": 0})
    out.append({"model": "virtual", "concurrency": 50000, "status": "skipped",
                "reason": "beyond RLIMIT_NOFILE 20000"})
    return out


def make_run(root, name="20260101T000000Z-synthetic", measured=("syscalls", "switches", "epoll"),
             failed=("sched",), skipped=("stacks",), host="synthetic", kernel="6.1.0-test"):
    """Writes a run directory under root and returns its path. Suites in `measured` get results
    (and `servers` a servers.json); `failed` and `skipped` are recorded as such in metadata.json."""
    path = os.path.join(root, name)
    os.makedirs(path)
    results = [r for s in measured if s != "servers" for r in results_for(s)]
    suites = {s: {"status": "measured", "at": "2026-01-01T00:00:00+00:00"} for s in measured}
    suites.update({s: {"status": "failed", "reason": "JMH exited with 1 (see log)"} for s in failed})
    suites.update({s: {"status": "skipped", "reason": "not selected with --suites"} for s in skipped})
    meta = {"format": 1, "started": "2026-01-01T00:00:00+00:00", "finished": "2026-01-01T00:10:00+00:00",
            "status": "complete", "mode": "quick", "command": "synthetic", "git": {"commit": None, "dirty": None},
            "environment": {"host": host, "kernel": f"Linux {kernel} x86_64",
                            "cpu_model": "Synthetic CPU @ 2.00GHz", "cpus_online": 2, "virtualization": "none",
                            "jdk": {"version": "25.0.3"}},
            "warnings": ["synthetic run: invented numbers"], "jmh": {"version": "1.37", "suites": []},
            "suites": suites, "benchmarks": len(results)}
    with open(os.path.join(path, "metadata.json"), "w") as f:
        json.dump(meta, f, indent=2)
    with open(os.path.join(path, "jmh.json"), "w") as f:
        json.dump(results, f, indent=2)
    with open(os.path.join(path, "crosscheck.jsonl"), "w") as f:
        if "syscalls" in measured:
            f.write(json.dumps({"check": "getppid", "benchmark": "io.contextlab.syscalls.SyscallLoops.getppid",
                                "reference": "C loop", "ns_per_op": 88.0, "tolerance": 0.15}) + "\n")
        if "stacks" in measured:
            f.write(json.dumps({"check": "rss 16k", "benchmark": "io.contextlab.stacks.PthreadStacks.touchAndBlock",
                                "params": {"threads": "100", "touched": "16384"}, "reference": "C program",
                                "value": 24000, "unit": "bytes/thread", "metric": "rss.per.thread",
                                "tolerance": 0.2}) + "\n")
    if "servers" in measured:
        with open(os.path.join(path, "servers.json"), "w") as f:
            json.dump({"results": servers_records()}, f, indent=2)
    with open(os.path.join(path, "log"), "w") as f:
        f.write("synthetic\n")
    return path
