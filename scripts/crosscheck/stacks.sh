#!/usr/bin/env bash
# Outside references for the stacks suite, run right after it by `lab run`.
#  - crosscheck/thread_rss: a stand-alone C process measures the RSS and minor faults of 1,000
#    parked pthreads that touched 16 KiB of stack each, to agree within 20% with
#    PthreadStacks.startTouchAndPark's rssBytesPerThread / minorFaultsPerThread at those params.
#  - crosscheck/spawn_costs: pthread_create+join, vfork+waitpid and posix_spawn+waitpid from a
#    small process, against SpawnCosts (placement=free); and fork+waitpid from that small process,
#    written to $RUN_DIR/spawn-small-process.txt beside the JVM's forkWait (not a check: it is
#    meant to differ, by the cost of copying the JVM's page tables).
set -euo pipefail
bin="$LAB_ROOT/jmh/target/crosscheck"
"$bin/thread_rss" 1000 16384 7
"$bin/spawn_costs" 7
"$bin/spawn_costs" 7 fork >>"$RUN_DIR/spawn-small-process.txt"
