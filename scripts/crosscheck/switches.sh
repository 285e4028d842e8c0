#!/usr/bin/env bash
# Outside reference for the switch suite: `perf bench sched pipe` (perf's own pipe ping-pong,
# processes by default, threads with -T) under the same pinning as NativePingPong's pipe
# variants, compared with them. Raw perf output is appended to $RUN_DIR/perf-bench.txt.
#
# Pinning: same CPU = `taskset -c 0` (both tasks on CPU 0, like cpus=same). Two CPUs = perf's
# first task on CPU 0 and the task it creates on CPU 1, like cpus=two; taskset cannot express
# that (it gives every task the same set and lets the scheduler choose), so pin_children
# (jmh/src/main/c/crosscheck/pin_children.c) pins each new task before it runs.
#
# Units: perf reports usecs/op where one op is a round trip (write, then read the answer); the
# JMH benchmark reports ns per one-way pass, so ns_per_op = usecs/op * 1000 / 2.
set -euo pipefail
PERF=${PERF:-/usr/bin/perf}
PIN="$LAB_ROOT/jmh/target/crosscheck/pin_children"
OUT="$RUN_DIR/perf-bench.txt"
ROUNDS=3
if [ ! -x "$PERF" ]; then
  echo "switches cross-check: $PERF not found; install it with apt-get install linux-perf" >&2
  exit 1
fi
if [ ! -x "$PIN" ]; then
  echo "switches cross-check: $PIN not built; run scripts/lab build" >&2
  exit 1
fi

# median of the usecs/op of $ROUNDS runs of: "$@"
median_usecs_per_op() {
  local values=()
  for _ in $(seq "$ROUNDS"); do
    local out
    out=$("$@" 2>&1)
    { echo "### $*"; echo "$out"; } >>"$OUT"
    values+=("$(awk '/usecs\/op/ {print $1}' <<<"$out")")
  done
  printf '%s\n' "${values[@]}" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'
}

check() { # check-name kind cpus command...
  local name=$1 kind=$2 cpus=$3; shift 3
  local usecs
  usecs=$(median_usecs_per_op "$@")
  if [ -z "$usecs" ]; then
    echo "switches cross-check: no usecs/op from: $*" >&2
    return 0
  fi
  local shown="$*"
  shown=${shown//$LAB_ROOT\/jmh\/target\/crosscheck\//}
  awk -v name="$name" -v kind="$kind" -v cpus="$cpus" -v usecs="$usecs" -v cmd="$shown" -v rounds="$ROUNDS" 'BEGIN {
    printf "{\"check\":\"%s\",\"benchmark\":\"io.contextlab.switches.NativePingPong.pingPong\",", name
    printf "\"params\":{\"cpus\":\"%s\",\"kind\":\"%s\"},", cpus, kind
    printf "\"reference\":\"%s (median of %d runs: %.3f usecs/op per round trip, /2 = ns per one-way pass)\",", cmd, rounds, usecs
    printf "\"ns_per_op\":%.1f,\"tolerance\":0.15}\n", usecs * 1000 / 2
  }'
}

# Same-CPU round trips take microseconds, cross-CPU ones tens of microseconds: loop counts keep
# each perf run near 0.1 s.
check "perf bench sched pipe, processes, same CPU" PIPE_PROCESSES same taskset -c 0 "$PERF" bench sched pipe -l 20000
check "perf bench sched pipe -T, threads, same CPU" PIPE_THREADS same taskset -c 0 "$PERF" bench sched pipe -T -l 20000
check "perf bench sched pipe, processes, CPUs 0 and 1" PIPE_PROCESSES two "$PIN" 0 1 -- "$PERF" bench sched pipe -l 2000
check "perf bench sched pipe -T, threads, CPUs 0 and 1" PIPE_THREADS two "$PIN" 0 0,1 -- "$PERF" bench sched pipe -T -l 2000

# The ucontext rung, outside JMH: a stand-alone swapcontext ping-pong (crosscheck/swapcontext_loop.c)
# timed by itself, and its rt_sigprocmask calls counted by `perf stat` on the syscall tracepoint
# (a run with n round trips minus a run with none), against the rtSigprocmaskPerSwitch metric.
# The time is taken from a run without perf: an enabled syscall tracepoint slows every syscall.
LOOP="$LAB_ROOT/jmh/target/crosscheck/swapcontext_loop"
EVENT=syscalls:sys_enter_rt_sigprocmask
read -r ns_per_switch _ < <("$LOOP" 100000)
echo "{\"check\":\"swapcontext stand-alone C loop\",\"benchmark\":\"io.contextlab.switches.NativeCoroutines.ucontextSwapcontext\",\"reference\":\"swapcontext_loop 100000 (median of 11 rounds of 100000 round trips, ns per one-way switch)\",\"ns_per_op\":$ns_per_switch,\"tolerance\":0.15}"
perf_count() { # round trips -> "count total_round_trips"
  local stat out
  stat=$(mktemp)
  out=$("$PERF" stat -x, -o "$stat" -e "$EVENT" "$LOOP" "$1")
  { echo "### perf stat -x, -e $EVENT swapcontext_loop $1"; echo "stdout: $out"; cat "$stat"; } >>"$OUT"
  echo "$(awk -F, -v e="$EVENT" '$3 == e {print $1}' "$stat") $(awk '{print $2}' <<<"$out")"
  rm -f "$stat"
}
read -r with_loop round_trips < <(perf_count 100000)
read -r without_loop _ < <(perf_count 0)
if [ -n "$with_loop" ] && [ -n "$without_loop" ] && [ "${round_trips:-0}" -gt 0 ]; then
  awk -v a="$with_loop" -v b="$without_loop" -v rt="$round_trips" 'BEGIN {
    printf "{\"check\":\"rt_sigprocmask per swapcontext, perf stat\",\"benchmark\":\"io.contextlab.switches.NativeCoroutines.ucontextSwapcontext\","
    printf "\"reference\":\"perf stat -e syscalls:sys_enter_rt_sigprocmask swapcontext_loop: (%d - %d) calls / %d switches\",", a, b, 2 * rt
    printf "\"value\":%.4f,\"unit\":\"syscalls/switch\",\"metric\":\"rtSigprocmaskPerSwitch\",\"tolerance\":0.15}\n", (a - b) / (2 * rt)
  }'
else
  echo "switches cross-check: perf stat could not count $EVENT (tracefs mounted? root or CAP_PERFMON?)" >&2
fi
