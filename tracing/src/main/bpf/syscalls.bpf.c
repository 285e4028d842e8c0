/* syscalls: count and total latency per syscall number for the target process, from the raw
 * sys_enter / sys_exit tracepoints (after libbpf-tools/syscount.bpf.c). tp_btf rather than
 * tp/raw_syscalls: the latter needs tracefs mounted to find the tracepoint's id. */
#include "probe_common.bpf.h"

/* When each thread entered its current syscall: task-local storage rather than a hash keyed by
 * tid (libbpf-tools' way), because this runs on every syscall of the traced process and a hash
 * update plus delete per syscall cost several hundred ns here (measured with the C getppid loop
 * under `lab trace --probes syscalls`); task storage is a pointer off the task. 0 = not inside. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} entered_at SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, struct syscall_stat);
} by_syscall SEC(".maps");

SEC("tp_btf/sys_enter")
int BPF_PROG(syscalls_enter, struct pt_regs *regs, long id)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	if (!traced_tgid(pid_tgid >> 32))
		return 0;
	__u64 *since = bpf_task_storage_get(&entered_at, bpf_get_current_task_btf(), 0,
					    BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (since)
		*since = bpf_ktime_get_ns();
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(syscalls_exit, struct pt_regs *regs, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	if (!traced_tgid(pid_tgid >> 32))
		return 0;
	/* The syscall number at exit: orig_ax, which the entry path saved. */
	__u32 nr = (__u32)BPF_CORE_READ(regs, orig_ax);
	struct syscall_stat *stat = bpf_map_lookup_elem(&by_syscall, &nr);
	if (!stat)
		return 0;
	__sync_fetch_and_add(&stat->count, 1);

	/* Without the enter program attached (count-only, as the JMH profiler runs it) there is
	 * never a start time, and each syscall costs one program run instead of two. */
	__u64 *since = bpf_task_storage_get(&entered_at, bpf_get_current_task_btf(), 0, 0);
	if (!since || *since == 0)
		return 0;
	__sync_fetch_and_add(&stat->total_ns, bpf_ktime_get_ns() - *since);
	*since = 0;
	return 0;
}
