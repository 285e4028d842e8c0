#!/usr/bin/env bash
# The eBPF profiler's own cost, measured in the run it serves: the same benchmarks with the same
# settings, once untraced and once with -prof io.contextlab.tracing.EbpfProfiler, back to back.
# Results land as jmh/ebpf-untraced.json and jmh/ebpf-traced.json, i.e. suites "ebpf-untraced" and
# "ebpf-traced" in jmh.json; pair them by benchmark and params. getppid shows the cost the probes
# add to every syscall (sys_enter/sys_exit programs), the bare handoff the cost on every context
# switch and wake-up (sched_switch/sched_wakeup programs).
# Env (from lab run): LAB_ROOT, RUN_DIR, JAVA, MODE=quick|full, ONLY.
set -euo pipefail
case ",${ONLY:-}," in
  ",,"|*",sched,"*) ;;
  *) echo "ebpf perturbation: skipped (suite sched not selected)"; exit 0 ;;
esac
JAR="$LAB_ROOT/jmh/target/benchmarks.jar"
INCLUDE='io\.contextlab\.(sched\.RunQueueHandoff\.handoff|syscalls\.SyscallLoops\.getppid)$'
if [ "$MODE" = full ]; then
  ARGS="-f 3 -wi 3 -w 1s -i 5 -r 1s -p background=0,16 -p backgroundKind=spin -p placement=sameCpu,twoCpus"
else
  ARGS="-f 1 -wi 1 -w 500ms -i 3 -r 500ms -p background=0 -p backgroundKind=spin -p placement=sameCpu"
fi
for variant in untraced traced; do
  prof=()
  [ "$variant" = traced ] && prof=(-prof io.contextlab.tracing.EbpfProfiler)
  echo "ebpf perturbation: $variant"
  status=0
  # shellcheck disable=SC2086  # the settings are words on purpose
  "$JAVA" -jar "$JAR" $ARGS "${prof[@]}" -rf json -rff "$RUN_DIR/jmh/ebpf-$variant.json" "$INCLUDE" || status=$?
  if [ $status -eq 0 ] && [ -s "$RUN_DIR/jmh/ebpf-$variant.json" ]; then
    /usr/bin/python3 "$LAB_ROOT/scripts/doctor.py" --suite-status "$RUN_DIR" "ebpf-$variant" measured "eBPF profiler perturbation ($variant twin)"
  else
    /usr/bin/python3 "$LAB_ROOT/scripts/doctor.py" --suite-status "$RUN_DIR" "ebpf-$variant" failed "JMH exited with $status"
  fi
done
