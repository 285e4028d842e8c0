#!/usr/bin/env bash
# Behaviour of scripts/lab and the Java CLI behind it: errors a user can cause, JMH's own options
# through `lab bench`, and one real (tiny) run end to end into a scratch folder, with a registry of
# one benchmark (fixtures/tiny-suites.json) — the run directory's shape and metadata, never its
# timings.
set -uo pipefail
LAB="$LAB_ROOT/scripts/lab"
PY=/usr/bin/python3
passed=0 failed=0
check() {  # check "what" command...
  local what=$1; shift
  if "$@" >/tmp/lab-test.out 2>&1; then passed=$((passed + 1)); echo "  ok   $what"
  else failed=$((failed + 1)); echo "  FAIL $what"; sed 's/^/       /' /tmp/lab-test.out | tail -n 20; fi
}

one_line_error() {  # the command fails, and says so in exactly one line on stderr
  local err
  if err=$("$@" 2>&1 >/dev/null); then return 1; fi
  [ "$(printf '%s\n' "$err" | grep -c .)" -eq 1 ] && printf '%s\n' "$err" | grep -q '^lab: '
}

check "unknown command: one line, non-zero" one_line_error "$LAB" frobnicate
check "unknown run option: one line, non-zero" one_line_error "$LAB" run --frobnicate
check "unknown suite: one line, non-zero" one_line_error "$LAB" run --suites nosuchsuite
no_jdk() { mkdir -p /tmp/lab-empty-jvm; JAVA_HOME=/nonexistent LAB_JVM_DIR=/tmp/lab-empty-jvm "$LAB" doctor; }
check "no JDK >= 25: one line naming JAVA_HOME, non-zero" one_line_error no_jdk
check "help" "$LAB" --help
check "suites lists syscalls" bash -c "'$LAB' suites | grep -q '^syscalls'"
check "bench -l with -jvmArgsPrepend after it (issue 16)" bash -c "'$LAB' bench -l -jvmArgsPrepend -Xmx1g | grep -q 'SyscallLoops.getppid'"
check "benchmarks.jar -l -jvmArgsPrepend from any directory" bash -c "cd / && '$JAVA' -jar '$LAB_ROOT/jmh/target/benchmarks.jar' -l -jvmArgsPrepend -Xmx1g | grep -q 'SyscallLoops.getppid'"
doctor_json() {
  "$LAB" doctor --json | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
for key in ("kernel", "cpu_model", "cpus_online", "mitigations", "btf", "root", "capabilities",
            "rlimit_nofile", "hardware_perf_counters", "jdk", "clocksource", "virtualization"):
    assert key in d, key
assert isinstance(d["warnings"], list)
assert int(d["jdk"]["version"].split(".")[0]) >= 25'
}
check "doctor --json has every field" doctor_json

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export LAB_SUITES_FILE="$LAB_ROOT/scripts/tests/fixtures/tiny-suites.json" LAB_RUNS_DIR="$scratch/runs"
tiny_run() { "$LAB" run --suites syscalls --pairs 2 --no-report; }
check "a tiny run completes" tiny_run
run_dir=$(ls -d "$scratch"/runs/*/ 2>/dev/null | head -n1)
run_shape() {
  [ -n "$run_dir" ] && [ -s "$run_dir/jmh.json" ] && [ -s "$run_dir/log" ] && [ -s "$run_dir/crosscheck.jsonl" ] &&
  "$PY" - "$run_dir" "$LAB_ROOT/datasets/schema" <<'PY'
import json, os, sys
import jsonschema
run, schemas = sys.argv[1], sys.argv[2]
def valid(schema, record):
    jsonschema.Draft202012Validator(json.load(open(os.path.join(schemas, schema + ".schema.json")))).validate(record)
meta = json.load(open(os.path.join(run, "metadata.json")))
valid("metadata.v2", meta)
assert meta["format"] == "contextlab.metadata/2", meta["format"]
assert meta["run"] == os.path.basename(run.rstrip("/"))
assert meta["status"] == "complete", meta["status"]
assert meta["suites"]["syscalls"]["status"] == "measured"
assert meta["suites"]["syscalls"]["benchmarks"] == 1
assert meta["suites"]["servers"] == {"status": "skipped", "reason": "not selected with --suites",
                                     "started": None, "finished": None, "benchmarks": None}, meta["suites"]["servers"]
assert meta["git"]["commit"], "git commit recorded"
assert meta["environment"]["kernel"] and meta["environment"]["jdk"]["version"]
# the suite's own settings, and the eBPF context tier after them where tracing is available
(suite,) = meta["jmh"]["suites"]
assert suite["name"] == "syscalls" and suite["include"] == "io\\.contextlab\\.syscalls\\.SyscallLoops\\.getppid$", suite
assert suite["args"] in ("-f 1 -wi 0 -i 1 -r 100ms", "-f 1 -wi 0 -i 1 -r 100ms -prof io.contextlab.tracing.EbpfProfiler:context"), suite
jmh = json.load(open(os.path.join(run, "jmh.json")))
# a result the context tier found disturbed is measured once more as suite syscalls-remeasured
# (whether it is depends on what else the machine ran): the first is the suite's own
assert meta["benchmarks"] == len(jmh) and len(jmh) in (1, 2), (meta["benchmarks"], len(jmh))
assert {r["benchmark"] for r in jmh} == {"io.contextlab.syscalls.SyscallLoops.getppid"}, jmh
assert jmh[0]["suite"] == "syscalls" and all(r["suite"] == "syscalls-remeasured" for r in jmh[1:]), jmh
lines = [json.loads(l) for l in open(os.path.join(run, "crosscheck.jsonl"))]
for l in lines:
    valid("crosscheck.v2", l)
assert all(l["format"] == "contextlab.crosscheck/2" and len(l["pair_values"]) == 2 for l in lines)
assert any(l["check"].startswith("getppid") for l in lines)
assert "getppid" in open(os.path.join(run, "log")).read()
assert not any(n.startswith(".incomplete") for n in os.listdir(os.path.dirname(run.rstrip("/"))))
PY
}
check "the run directory holds jmh.json, metadata, cross-checks and the log; the records validate" run_shape
second_run_is_new() {
  sleep 1
  "$LAB" run --suites syscalls --no-report >/dev/null 2>&1 &&
  [ "$(ls -d "$scratch"/runs/*/ | wc -l)" -eq 2 ]
}
check "a second run never overwrites the first" second_run_is_new

held_lock() {  # another JMH run holds /tmp/jmh.lock (a POSIX lock, as JMH takes it): one line, non-zero, nothing written
  "$PY" -c 'import fcntl, sys, time
f = open("/tmp/jmh.lock", "a")
try:
    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    pass  # another JMH run holds it already: the condition under test all the same
print("held", flush=True)
time.sleep(60)' >"$scratch/holder" &
  local holder=$! status
  for _ in $(seq 1 50); do grep -q held "$scratch/holder" && break; sleep 0.1; done
  one_line_error "$LAB" run --suites syscalls --no-report
  status=$?
  kill "$holder"; wait "$holder" 2>/dev/null
  [ $status -eq 0 ] && [ "$(ls -d "$scratch"/runs/*/ | wc -l)" -eq 2 ]
}
check "a held JMH lock: one line, non-zero, no run directory" held_lock
interrupted_run() {  # SIGTERM mid-run: the directory is renamed and marked interrupted
  local before pid
  before=$(ls -d "$scratch"/runs/*/ | wc -l)
  "$LAB" run --suites slow --no-report >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do ls -d "$scratch"/runs/.incomplete-* >/dev/null 2>&1 && break; sleep 0.1; done
  sleep 3
  kill -TERM "$pid"; wait "$pid"
  [ "$(ls -d "$scratch"/runs/*/ | wc -l)" -eq $((before + 1)) ] && ! ls -d "$scratch"/runs/.incomplete-* >/dev/null 2>&1 &&
    grep -q '"status": "interrupted"' "$(ls -d "$scratch"/runs/*/ | tail -n1)/metadata.json"
}
check "an interrupted run is renamed and marked interrupted" interrupted_run

echo "lab: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
