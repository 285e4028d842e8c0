/* runqlen: sample every CPU's run queue on a timer (a software cpu-clock perf event per CPU,
 * opened by the Java loader at the configured rate). Modelled on libbpf-tools/runqlen.bpf.c,
 * but recording two figures per sample: the CPU's struct rq nr_running (every runnable task,
 * any class, the running one included; 0 when idle) and the sampled task's cfs_rq queued count.
 * The CPU's rq is reached through the task's cfs_rq->rq (CONFIG_FAIR_GROUP_SCHED), not the
 * per-CPU `runqueues` ksym: kernels without CONFIG_KALLSYMS_ALL (this one) cannot resolve it. */
#include "probe_common.bpf.h"

/* Linux 6.14 renamed cfs_rq->nr_running to nr_queued (EEVDF keeps delayed-dequeue entities
 * queued, so "running" stopped being true). The flavour below lets one object load on both. */
struct cfs_rq___before_6_14 {
	unsigned int nr_running;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_CPUS);
	__type(key, __u32);
	__type(value, struct runq_hist);
} runq_by_cpu SEC(".maps");

static __always_inline __u32 runq_slot(__u64 v)
{
	__u32 slot = v < RUNQ_SLOTS ? v : RUNQ_SLOTS - 1;
	/* clang turns the clamp into a form the verifier cannot bound; the opaque mask it cannot
	 * drop (RUNQ_SLOTS is a power of two) gives the verifier its bound back. */
	asm volatile("" : "+r"(slot));
	return slot & (RUNQ_SLOTS - 1);
}

SEC("perf_event")
int runqlen_sample(struct bpf_perf_event_data *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct runq_hist *hist = bpf_map_lookup_elem(&runq_by_cpu, &cpu);
	if (!hist)
		return 0;

	struct task_struct *task = bpf_get_current_task_btf();
	struct cfs_rq *cfs = BPF_CORE_READ(task, se.cfs_rq);
	__u32 rq_len = 0, cfs_len = 0;
	if (cfs) {
		if (bpf_core_field_exists(cfs->rq))
			rq_len = BPF_CORE_READ(cfs, rq, nr_running);
		if (bpf_core_field_exists(cfs->nr_queued))
			cfs_len = BPF_CORE_READ(cfs, nr_queued);
		else
			cfs_len = BPF_CORE_READ((struct cfs_rq___before_6_14 *)cfs, nr_running);
	}
	__sync_fetch_and_add(&hist->rq_nr_running[runq_slot(rq_len)], 1);
	__sync_fetch_and_add(&hist->cfs_queued[runq_slot(cfs_len)], 1);
	return 0;
}
