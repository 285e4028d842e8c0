#!/usr/bin/env bash
# `lab run` step: the server models and nginx under wrk (servers/, LoadDriver), written to
# $RUN_DIR/servers.json. Quick: 4 keep-alive points of 2 s and one Connection: close point of 1 s
# per server, about 2 minutes in all; full (MODE=full): 1 .. 10,000 connections, 10 s per point,
# about 25 minutes. `lab servers` runs it alone, passing its options (--models=..., ...) as arguments.
# Env: LAB_ROOT, RUN_DIR, JAVA, MODE=quick|full, ONLY (the suites and steps selected).
set -euo pipefail

status() { "${SYSTEM_PYTHON:-/usr/bin/python3}" "$LAB_ROOT/scripts/doctor.py" --suite-status "$RUN_DIR" servers "$1" "$2"; }

if [ -n "${ONLY:-}" ] && [[ ",$ONLY," != *",servers,"* ]]; then
  status skipped "not selected with --suites (scripts/lab servers runs the server models alone)"
  echo "servers: not selected with --suites; skipped"
  exit 0
fi
jar="$LAB_ROOT/servers/target/servers.jar"
if [ ! -f "$jar" ]; then
  status failed "no servers/target/servers.jar (build with scripts/lab build)"
  echo "servers: no $jar: build with scripts/lab build" >&2
  exit 1
fi
# wrk and every server inherit this: 10,000 connections need 10,000 descriptors on each side.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || echo "servers: could not raise the open-files limit (ulimit -n) to $(ulimit -Hn)" >&2

args=()
[ "${MODE:-quick}" = full ] && args+=(--full)
if "$JAVA" -jar "$jar" drive --out="$RUN_DIR/servers.json" "${args[@]}" "$@"; then
  status measured ""
else
  code=$?
  status failed "the servers driver exited with $code (see log)"
  exit "$code"
fi
