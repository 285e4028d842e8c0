/* runqlat: how long a woken thread of the target process waits on a run queue before it runs,
 * from sched_wakeup / sched_wakeup_new (and an involuntary switch-out, which leaves the thread
 * runnable) to the sched_switch that puts it on a CPU. A log2 histogram in ns, after
 * libbpf-tools/runqlat.bpf.c. tp_btf: typed arguments, no tracefs needed. */
#include "probe_common.bpf.h"

#define TASK_RUNNING 0

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_THREADS);
	__type(key, __u32);
	__type(value, __u64);
} enqueued_at SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct log2_hist);
} runq_latency SEC(".maps");

static __always_inline void mark_enqueued(struct task_struct *p)
{
	if (!traced_tgid(p->tgid))
		return;
	__u32 tid = p->pid;
	__u64 now = bpf_ktime_get_ns();
	bpf_map_update_elem(&enqueued_at, &tid, &now, BPF_ANY);
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(runqlat_wakeup, struct task_struct *p)
{
	mark_enqueued(p);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(runqlat_wakeup_new, struct task_struct *p)
{
	mark_enqueued(p);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(runqlat_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	/* A preempted thread is still runnable: its wait starts now. */
	if (prev_state == TASK_RUNNING)
		mark_enqueued(prev);

	/* The target's tgid first: every other process's switch costs one compare, no hash lookup. */
	if (!traced_tgid(next->tgid))
		return 0;
	__u32 tid = next->pid;
	__u64 *since = bpf_map_lookup_elem(&enqueued_at, &tid);
	if (!since)
		return 0;
	__u64 waited = bpf_ktime_get_ns() - *since;
	bpf_map_delete_elem(&enqueued_at, &tid);

	__u32 zero = 0;
	struct log2_hist *hist = bpf_map_lookup_elem(&runq_latency, &zero);
	if (hist)
		__sync_fetch_and_add(&hist->slots[log2_slot(waited)], 1);
	return 0;
}
