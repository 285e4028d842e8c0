/* cswitch: context switches of the target process's threads, split the way getrusage splits
 * them: voluntary (the thread blocked) and involuntary (preempted while still runnable).
 * Per-CPU counters, summed by the reader: no atomics on the switch path. */
#include "probe_common.bpf.h"

#define TASK_RUNNING 0

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cswitch_counts);
} switches SEC(".maps");

SEC("tp_btf/sched_switch")
int BPF_PROG(cswitch_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	if (!traced_tgid(prev->tgid) || prev->pid == 0)
		return 0;
	__u32 zero = 0;
	struct cswitch_counts *counts = bpf_map_lookup_elem(&switches, &zero);
	if (!counts)
		return 0;
	if (prev_state == TASK_RUNNING)
		counts->involuntary++;
	else
		counts->voluntary++;
	return 0;
}
