#!/usr/bin/env bash
# lab trace, end to end: on a command (500 getppid calls counted under getppid in the CSV) and on
# a pid (files written, the session ends when the process does). Root/BTF only; else skipped
# with the reason. Env: LAB_ROOT, JAVA.
set -euo pipefail
# --check and --out hand the arguments to TraceSession as they are, with no run directory.
trace() { "$LAB_ROOT/scripts/lab" trace "$@"; }

check=$(trace --check)
if ! grep -q '"available":true' <<<"$check"; then
  echo "trace.sh skipped: $check"
  exit 0
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

trace --probes syscalls,cswitch --out "$out/cmd" -- /usr/bin/python3 -c 'import os
for _ in range(500): os.getppid()' >/dev/null
count=$(awk -F, '$2 == "getppid" { print $3 }' "$out/cmd/traces/syscalls.csv")
[ "$count" = 500 ] || { echo "trace.sh: expected 500 getppid in syscalls.csv, got '${count}'"; exit 1; }
grep -q '"getppid"' "$out/cmd/traces/trace.json" || { echo "trace.sh: trace.json lacks getppid"; exit 1; }

# Long enough to outlive the CLI's start (a JVM, and a build check) on a loaded machine.
sleep 4 & target=$!
trace --probes cswitch,wakeups,runqlat --duration 5 --pid "$target" --out "$out/pid" >/dev/null
for f in cswitch.csv wakeups.csv runqlat.csv trace.json; do
  [ -s "$out/pid/traces/$f" ] || { echo "trace.sh: --pid wrote no $f"; exit 1; }
done
echo "trace.sh: lab trace on a command and on a pid: ok"
