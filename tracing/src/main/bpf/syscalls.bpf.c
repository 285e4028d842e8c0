/* syscalls: count and total latency per syscall number for the target process, from the raw
 * sys_enter / sys_exit tracepoints (after libbpf-tools/syscount.bpf.c). tp_btf rather than
 * tp/raw_syscalls: the latter needs tracefs mounted to find the tracepoint's id. */
#include "probe_common.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_THREADS);
	__type(key, __u32);
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
	__u32 tid = (__u32)pid_tgid;
	__u64 now = bpf_ktime_get_ns();
	bpf_map_update_elem(&entered_at, &tid, &now, BPF_ANY);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(syscalls_exit, struct pt_regs *regs, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	if (!traced_tgid(pid_tgid >> 32))
		return 0;
	__u32 tid = (__u32)pid_tgid;
	__u64 *since = bpf_map_lookup_elem(&entered_at, &tid);
	if (!since)
		return 0; /* entered before we attached (or exit without enter: exit_group) */
	__u64 took = bpf_ktime_get_ns() - *since;
	bpf_map_delete_elem(&entered_at, &tid);

	/* The syscall number at exit: orig_ax, which the entry path saved. */
	__u32 nr = (__u32)BPF_CORE_READ(regs, orig_ax);
	struct syscall_stat *stat = bpf_map_lookup_elem(&by_syscall, &nr);
	if (!stat)
		return 0;
	__sync_fetch_and_add(&stat->count, 1);
	__sync_fetch_and_add(&stat->total_ns, took);
	return 0;
}
