#!/usr/bin/env python3
"""The measurement environment, and the one writer of a run's metadata.json.

`lab doctor` prints one line per fact, with a warning where it distorts results; `lab run` calls
the same code to write metadata.json (--start-run), to record each suite's fate (--suite-status)
and to close the run (--finish-run). datasets/README.md documents every field. Standard library
only: it must work before anything is installed.
"""
import argparse
import datetime
import glob
import json
import os
import platform
import resource
import shutil
import socket
import subprocess
import sys

CAP_PERFMON, CAP_BPF, CAP_SYS_ADMIN = 38, 39, 21


def read(path, default=None):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return default


def run(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None


def cpuinfo():
    model, flags = None, []
    for line in (read("/proc/cpuinfo", "") or "").splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "model name" and model is None:
            model = value.strip()
        elif key == "flags" and not flags:
            flags = value.split()
    return model, flags


def threads_per_core():
    siblings = read("/sys/devices/system/cpu/cpu0/topology/thread_siblings_list")
    if not siblings:
        return None
    count = 0
    for part in siblings.split(","):
        lo, _, hi = part.partition("-")
        count += int(hi) - int(lo) + 1 if hi else 1
    return count


def capabilities():
    for line in (read("/proc/self/status", "") or "").splitlines():
        if line.startswith("CapEff:"):
            eff = int(line.split()[1], 16)
            return {"CAP_BPF": bool(eff >> CAP_BPF & 1), "CAP_PERFMON": bool(eff >> CAP_PERFMON & 1),
                    "CAP_SYS_ADMIN": bool(eff >> CAP_SYS_ADMIN & 1)}
    return {}


def hardware_counters():
    """True when the kernel exposes a hardware PMU (cycles, instructions) to perf_event_open."""
    if not os.path.isdir("/sys/bus/event_source/devices/cpu"):
        return False, "no PMU in /sys/bus/event_source/devices (a VM without vPMU)"
    perf = shutil.which("perf")
    if perf:
        r = run(perf, "stat", "-x,", "-e", "instructions", "true")
        if r is not None and ("not supported" in r.stderr or "<not counted>" in r.stderr):
            return False, "perf stat -e instructions: not supported"
    return True, "PMU present"


def java_info(java):
    if not java:
        return None
    r = run(java, "-XshowSettings:properties", "-version")
    if r is None:
        return None
    props = {}
    for line in r.stderr.splitlines():
        if " = " in line and line.startswith("    ") and not line.startswith("     "):
            k, _, v = line.strip().partition(" = ")
            props[k] = v
    version_lines = [l for l in r.stderr.splitlines() if "version" in l and not l.startswith(" ")]
    return {"path": java, "version": props.get("java.version"), "vendor": props.get("java.vendor"),
            "vm": props.get("java.vm.name"), "vm_version": props.get("java.vm.version"),
            "banner": version_lines[0] if version_lines else None}


def tool_version(*cmd):
    r = run(*cmd)
    if r is None or r.returncode != 0:
        return None
    out = (r.stdout or r.stderr).strip().splitlines()
    return out[0] if out else None


def tracing_check(java, jar):
    """What the tracing module itself says it can do here (probes load? which attach types?)."""
    if not java or not jar or not os.path.exists(jar):
        return None
    r = run(java, "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
            "-cp", jar, "io.contextlab.tracing.TraceSession", "--check")
    if r is None:
        return {"available": False, "reason": "the tracing check did not run"}
    try:
        return json.loads(r.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"available": False, "reason": (r.stderr.strip().splitlines() or ["no answer"])[-1]}


def environment(java, jar=None):
    """Every fact, each as (key, value, warning-or-None)."""
    facts = []

    def fact(key, value, warning=None):
        facts.append((key, value, warning))

    uname = platform.uname()
    fact("host", socket.gethostname())
    fact("kernel", f"{uname.system} {uname.release} {uname.machine}")
    # Only the kernel's own parameters: what follows " -- " belongs to init, not to the kernel.
    fact("kernel_cmdline", (read("/proc/cmdline") or "").split(" -- ")[0])
    model, flags = cpuinfo()
    fact("cpu_model", model)
    online = os.cpu_count()
    fact("cpus_online", online, "fewer than 4 CPUs: cross-CPU benchmarks share their cores with the JVM's own threads" if online and online < 4 else None)
    tpc = threads_per_core()
    smt = read("/sys/devices/system/cpu/smt/active")
    fact("threads_per_core", tpc, "SMT on: two logical CPUs share a core's pipeline; 'two CPUs' may be one core" if tpc and tpc > 1 else None)
    fact("smt_active", smt == "1" if smt is not None else None)
    governor = read("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor")
    fact("frequency_governor", governor or "not visible",
         "governor is not 'performance': the clock moves under the benchmark" if governor and governor != "performance" else None)
    no_turbo = read("/sys/devices/system/cpu/intel_pstate/no_turbo")
    boost = read("/sys/devices/system/cpu/cpufreq/boost")
    turbo = None if no_turbo is None and boost is None else (no_turbo == "0" if no_turbo is not None else boost == "1")
    fact("turbo", turbo if turbo is not None else "not visible",
         "turbo boost on: clock speed depends on temperature and load" if turbo else None)
    virt = None
    r = run("systemd-detect-virt", "--vm")
    if r is not None and r.stdout.strip():
        virt = r.stdout.strip()
    if virt in (None, "none") and "hypervisor" in flags:
        virt = "yes (hypervisor flag in cpuinfo)"
    fact("virtualization", virt or "none",
         "virtual machine: vCPUs can be descheduled by the host and idle vCPUs halt (cross-CPU wake-ups cost more)" if virt and virt != "none" else None)
    fact("clocksource", read("/sys/devices/system/clocksource/clocksource0/current_clocksource"),
         None)
    clocksource = facts[-1][1]
    if clocksource and clocksource not in ("tsc", "kvm-clock", "hyperv_clocksource_tsc_page", "arch_sys_counter"):
        facts[-1] = ("clocksource", clocksource, f"clocksource {clocksource} is not readable from the vDSO: clock_gettime enters the kernel")
    vulns = {}
    for path in sorted(glob.glob("/sys/devices/system/cpu/vulnerabilities/*")):
        vulns[os.path.basename(path)] = read(path)
    mitigated = sorted(k for k, v in vulns.items() if v and v.startswith("Mitigation"))
    fact("mitigations", vulns,
         f"kernel-entry mitigations active ({', '.join(mitigated)}): every syscall pays for them" if mitigated else None)
    thp = read("/sys/kernel/mm/transparent_hugepage/enabled")
    fact("transparent_hugepages", thp, "THP 'always': large anonymous mappings may fault 2 MB at a time" if thp and "[always]" in thp else None)
    btf = os.path.exists("/sys/kernel/btf/vmlinux")
    fact("btf", btf, None if btf else "no /sys/kernel/btf/vmlinux: the CO-RE eBPF probes cannot load")
    lockdown = read("/sys/kernel/security/lockdown")
    fact("lockdown", lockdown)
    is_root = os.geteuid() == 0
    fact("root", is_root, None if is_root else "not root: eBPF tracing and affinity across users need root (sudo scripts/lab ...)")
    caps = capabilities()
    fact("capabilities", caps, None if caps.get("CAP_BPF") else "no CAP_BPF: eBPF probes will not load")
    paranoid = read("/proc/sys/kernel/perf_event_paranoid")
    fact("perf_event_paranoid", int(paranoid) if paranoid else None)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    fact("rlimit_nofile", {"soft": soft, "hard": hard},
         f"hard RLIMIT_NOFILE is {hard}: epoll and C10K curves stop there" if hard < 1_000_000 else None)
    hw, why = hardware_counters()
    fact("hardware_perf_counters", hw, None if hw else f"no hardware counters ({why}): no cycles or instructions, software events only")
    mem = {}
    for line in (read("/proc/meminfo", "") or "").splitlines()[:3]:
        k, _, v = line.partition(":")
        mem[k] = v.strip()
    fact("memory", mem)
    load = os.getloadavg()
    fact("loadavg", [round(x, 2) for x in load],
         f"load average {load[0]:.2f}: something else is running" if online and load[0] > 0.5 * online else None)
    info = java_info(java)
    major = None
    if info and info.get("version"):
        major = int(info["version"].split(".")[0].split("-")[0].split("+")[0])
    fact("jdk", info, "no JDK >= 25: set JAVA_HOME to one" if major is None or major < 25 else None)
    fact("tracefs_mounted", os.path.isdir("/sys/kernel/tracing/events") or os.path.isdir("/sys/kernel/debug/tracing/events"))
    tracing = tracing_check(java, jar)
    fact("tracing", tracing,
         None if tracing is None or tracing.get("available") else
         f"eBPF tracing unavailable: {tracing.get('reason')}: runs go on untraced")
    fact("gcc", tool_version("gcc", "--version"))
    fact("clang", tool_version("clang", "--version"))
    libbpf = run("dpkg-query", "-W", "-f=${Version}", "libbpf1") if shutil.which("dpkg-query") else None
    fact("libbpf", libbpf.stdout.strip() if libbpf is not None and libbpf.returncode == 0 else None,
         None if libbpf is not None and libbpf.returncode == 0 else "libbpf1 is not installed: no eBPF tracing")
    fact("perf", tool_version("perf", "version"))
    fact("python", sys.version.split()[0])
    return facts


def git_commit(root):
    r = run("git", "-C", root, "rev-parse", "HEAD")
    commit = r.stdout.strip() if r is not None and r.returncode == 0 else None
    dirty = None
    if commit:
        s = run("git", "-C", root, "status", "--porcelain", "--untracked-files=no")
        dirty = bool(s and s.stdout.strip())
    return {"commit": commit, "dirty": dirty}


def suites(path):
    out = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            name, include, quick, full = [p.strip() for p in (line.split("|") + ["", "", ""])[:4]]
            out.append({"name": name, "include": include, "quick_args": quick, "full_args": full or "(annotations)"})
    return out


def now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def load_meta(run_dir):
    with open(os.path.join(run_dir, "metadata.json")) as f:
        return json.load(f)


def save_meta(run_dir, meta):
    tmp = os.path.join(run_dir, "metadata.json.tmp")
    with open(tmp, "w") as f:
        json.dump(meta, f, indent=2, sort_keys=False)
        f.write("\n")
    os.replace(tmp, os.path.join(run_dir, "metadata.json"))


def start_run(args, facts):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {k: v for k, v, _ in facts}
    warnings = [w for _, _, w in facts if w]
    meta = {
        "format": 1,
        "started": now(),
        "finished": None,
        "status": "running",
        "mode": args.mode,
        "command": args.command,
        "git": git_commit(root),
        "environment": env,
        "warnings": warnings,
        "jmh": {"version": "1.37", "fork_jvm_flags": "see io.contextlab.lab.JvmFlags", "suites": suites(args.suites_file)},
        "suites": {},
    }
    save_meta(args.start_run, meta)


def finish_run(args):
    meta = load_meta(args.finish_run)
    meta["finished"] = now()
    meta["status"] = args.status
    jmh_dir = os.path.join(args.finish_run, "jmh")
    merged = []
    for path in sorted(glob.glob(os.path.join(jmh_dir, "*.json"))):
        suite = os.path.basename(path)[:-5]
        try:
            with open(path) as f:
                results = json.load(f)
        except (OSError, ValueError) as e:
            meta["suites"].setdefault(suite, {})["jmh_json_error"] = str(e)
            continue
        for r in results:
            r["suite"] = suite
        merged.extend(results)
        os.remove(path)
    if os.path.isdir(jmh_dir) and not os.listdir(jmh_dir):
        os.rmdir(jmh_dir)
    with open(os.path.join(args.finish_run, "jmh.json"), "w") as f:
        json.dump(merged, f, indent=2)
        f.write("\n")
    meta["benchmarks"] = len(merged)
    save_meta(args.finish_run, meta)


def suite_status(run_dir, name, status, reason):
    meta = load_meta(run_dir)
    entry = meta["suites"].setdefault(name, {})
    entry["status"] = status
    if reason:
        entry["reason"] = reason
    entry["at"] = now()
    save_meta(run_dir, meta)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--java", help="the java binary the benchmarks run on")
    p.add_argument("--jar", help="benchmarks.jar, for the tracing module's own check")
    p.add_argument("--json", action="store_true", help="print the facts as JSON")
    p.add_argument("--start-run", metavar="RUN_DIR")
    p.add_argument("--mode", default="quick")
    p.add_argument("--command", default="")
    p.add_argument("--suites-file")
    p.add_argument("--suite-status", nargs=4, metavar=("RUN_DIR", "SUITE", "STATUS", "REASON"))
    p.add_argument("--finish-run", metavar="RUN_DIR")
    p.add_argument("--status", default="complete")
    args = p.parse_args()

    if args.suite_status:
        suite_status(*args.suite_status)
        return
    if args.finish_run:
        finish_run(args)
        return
    facts = environment(args.java, args.jar)
    if args.start_run:
        start_run(args, facts)
        return
    if args.json:
        print(json.dumps({k: v for k, v, _ in facts}, indent=2))
        return
    for key, value, warning in facts:
        if isinstance(value, dict) and key == "mitigations":
            value = ", ".join(f"{k}: {v}" for k, v in value.items() if v and v != "Not affected") or "none reported"
        elif isinstance(value, dict) and key == "tracing":
            value = ("available: " + ", ".join(value.get("probes") or []) + f" ({value.get('attach_types')})"
                     if value.get("available") else f"unavailable: {value.get('reason')}")
        elif isinstance(value, dict) and key == "jdk":
            value = f"{value.get('banner')} ({value.get('path')})"
        elif isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        line = f"{key:24} {value}"
        print(line)
        if warning:
            print(f"{'':24} \033[33mwarning:\033[0m {warning}")


if __name__ == "__main__":
    main()
