/* wakeups: sched_wakeup events whose woken thread belongs to the target process, counted per
 * woken thread: the herd test's independent witness (how many threads one event woke). */
#include "probe_common.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_THREADS);
	__type(key, __u32);
	__type(value, __u64);
} wakeups_by_tid SEC(".maps");

SEC("tp_btf/sched_wakeup")
int BPF_PROG(wakeups_wakeup, struct task_struct *p)
{
	if (!traced_tgid(p->tgid))
		return 0;
	__u32 tid = p->pid;
	__u64 one = 1;
	__u64 *count = bpf_map_lookup_elem(&wakeups_by_tid, &tid);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&wakeups_by_tid, &tid, &one, BPF_NOEXIST);
	return 0;
}
