#!/usr/bin/env bash
# Outside reference for the uring suite, run right after it: the raw-syscall C loop
# jmh/src/main/c/crosscheck/uring_nop.c (batches of N NOPs per io_uring_enter, no liburing),
# one JSON line per N for crosscheck.jsonl, compared with io.contextlab.uring.NopBatching.nopPerEnter.
set -euo pipefail
"$LAB_ROOT/jmh/target/crosscheck/uring_nop" 131072 1 8 64 512
