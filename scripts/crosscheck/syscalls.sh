#!/usr/bin/env bash
# Outside reference for the syscall suite: the independent C loop (jmh/src/main/c/crosscheck/
# syscall_loop.c), run right after the suite, printing JSON lines for crosscheck.jsonl.
set -euo pipefail
"$LAB_ROOT/jmh/target/crosscheck/syscall_loop" "${LAB_CROSSCHECK_CALLS:-1000000}"
