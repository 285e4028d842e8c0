/* faults: user-mode page faults of the target process (x86 exceptions:page_fault_user: every
 * fault taken in user mode; a fault taken by the kernel on a user address, e.g. in read(), is
 * page_fault_kernel and not counted). Per-CPU counter, summed by the reader. */
#include "probe_common.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} user_faults SEC(".maps");

SEC("tp_btf/page_fault_user")
int BPF_PROG(faults_user, unsigned long address, struct pt_regs *regs, unsigned long error_code)
{
	if (!traced_tgid(bpf_get_current_pid_tgid() >> 32))
		return 0;
	__u32 zero = 0;
	__u64 *count = bpf_map_lookup_elem(&user_faults, &zero);
	if (count)
		(*count)++;
	return 0;
}
