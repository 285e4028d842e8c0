#!/usr/bin/env bash
# Outside references for the epoll suite, run right after it:
#  - the independent C loop jmh/src/main/c/crosscheck/epoll_ctl.c (epoll_ctl ADD+DEL against
#    1000 registered eventfds), a JSON line on stdout for crosscheck.jsonl, compared with
#    io.contextlab.epoll.EpollCtl.addDel at n=1000;
#  - Debian's perf (linux-perf) `perf bench epoll wait` and `perf bench epoll ctl`, bounded in
#    threads, fds and seconds, raw output appended to $RUN_DIR/perf-bench.txt.
set -euo pipefail
"$LAB_ROOT/jmh/target/crosscheck/epoll_ctl" 1000 100000

PERF=/usr/bin/perf
OUT="$RUN_DIR/perf-bench.txt"
if [ ! -x "$PERF" ]; then
  echo "epoll.sh: $PERF missing (Debian package linux-perf): no perf bench reference recorded" >&2
  exit 0
fi
# perf 6.1 options: -t threads, -f fds per thread, -r runtime in seconds, -E edge-triggered,
# -n no CPU affinity; each run is held to a few seconds and killed after 30 if it hangs.
# The wait runs use -n: pinned, perf's writer and waiter threads can share a CPU with other
# load and starve (seen here: 0 ops/s for a whole run).
run_perf() {
  {
    printf '### %s (%s, %s)\n' "perf bench $*" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$("$PERF" --version)"
    timeout 30 "$PERF" bench "$@" 2>&1 || printf 'exit status %s\n' "$?"
    printf '\n'
  } >>"$OUT"
}
run_perf epoll wait -n -t 1 -f 1000 -r 2
run_perf epoll wait -n -t 1 -f 1000 -r 2 -E
run_perf epoll ctl -t 1 -f 1000 -r 2
