#!/usr/bin/env bash
# Outside references for the stacks suite, run right after it by `lab run`: a stand-alone C
# process (jmh/src/main/c/crosscheck/thread_rss.c) measures the RSS and minor faults of 1,000
# parked pthreads that touched 16 KiB of stack each, to agree within 20% with
# PthreadStacks.startTouchAndPark's rssBytesPerThread / minorFaultsPerThread at the same params.
set -euo pipefail
"$LAB_ROOT/jmh/target/crosscheck/thread_rss" 1000 16384 7
