/* context: the scheduler context of one process at the smallest cost, the probe the JMH profiler
 * keeps on for every benchmark. Three programs, each writing only its own CPU's slot of one
 * per-CPU array (no hash lookup, no atomics; the verifier inlines the array lookup):
 *   sched_switch       - the target's threads switched out, voluntary / involuntary (lab trace
 *                        only: the JMH profiler leaves it detached and reads getrusage, since
 *                        its dispatch on every switch of the machine costs a switch-bound
 *                        benchmark far more than the run time the kernel accounts to it);
 *   sched_migrate_task - the target's threads moved between CPUs;
 *   perf_event sample  - every CPU's run queue on a fixed-period cpu-clock timer (after
 *                        libbpf-tools/runqlen.bpf.c), and whether a target thread was running.
 * The tracepoints test the target tgid before anything else: on every other process's switch the
 * program is one load and one compare. The tgid is a writable global (.bss), not a .rodata knob:
 * `lab run` loads this object once and pins it, and each JMH fork writes its own tgid there
 * (io.contextlab.tracing.ContextPins); a fork that loads the object itself writes it the same way. The loader turns samples into a time-weighted mean: a CPU
 * that idles takes fewer samples than its share of time, and the samples it misses count as 0. */
#include "probe_common.bpf.h"

#define TASK_RUNNING 0

/* The target process; 0 (before a loader writes it) matches no traced task but the idle task. */
struct probe_config context_target = {};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct context_cpu);
} context_by_cpu SEC(".maps");

static __always_inline struct context_cpu *this_cpu(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&context_by_cpu, &zero);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(context_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	if (prev->tgid != context_target.target_tgid)
		return 0;
	struct context_cpu *c = this_cpu();
	if (!c)
		return 0;
	if (prev_state == TASK_RUNNING)
		c->involuntary++;
	else
		c->voluntary++;
	return 0;
}

SEC("tp_btf/sched_migrate_task")
int BPF_PROG(context_migrate, struct task_struct *p, int dest_cpu)
{
	if (p->tgid != context_target.target_tgid)
		return 0;
	struct context_cpu *c = this_cpu();
	if (c)
		c->migrations++;
	return 0;
}

SEC("perf_event")
int context_sample(struct bpf_perf_event_data *ctx)
{
	struct context_cpu *c = this_cpu();
	if (!c)
		return 0;
	struct task_struct *task = bpf_get_current_task_btf();
	struct cfs_rq *cfs = BPF_CORE_READ(task, se.cfs_rq);
	__u64 queued = 0;
	if (cfs && bpf_core_field_exists(cfs->rq))
		queued = BPF_CORE_READ(cfs, rq, nr_running);
	/* The idle task (pid 0) is not counted in nr_running; any other current task is. */
	__u64 waiting = task->pid == 0 || queued == 0 ? queued : queued - 1;

	c->samples++;
	c->waiting_sum += waiting;
	c->queued_sum += queued;
	if (queued > c->queued_max)
		c->queued_max = queued;
	if (task->tgid == context_target.target_tgid && task->pid != 0) {
		c->target_samples++;
		c->target_waiting_sum += waiting;
		if (waiting > 0)
			c->target_nonempty++;
	} else if (task->pid != 0) {
		c->other_samples++;
	}
	return 0;
}
