/* Structures both sides read: the BPF programs in this folder and their Java mirrors in
 * io.contextlab.tracing.probes.ProbeStructs. Keep the two in step: a field added here is a
 * field added to the Java record, at the same offset. */
#ifndef CONTEXTLAB_TRACE_H
#define CONTEXTLAB_TRACE_H

/* log2 histograms: slot i counts values in [2^i, 2^(i+1)), slot 0 also counts 0. */
#define LOG2_SLOTS 32
/* Run-queue lengths are small integers: a linear histogram, the last slot "this many or more". */
#define RUNQ_SLOTS 512
#define MAX_CPUS 256
/* x86-64 syscall numbers are below 512 (the highest is in the 460s on 6.18). */
#define MAX_SYSCALLS 512
#define MAX_THREADS 16384

/* Every probe's knobs, one struct set into .rodata before load (libbpf-tools' const volatile
 * globals, gathered so that Java writes one record at offset 0 and not guessed offsets). */
struct probe_config {
	__u32 target_tgid; /* 0: every process */
	__u32 reserved;
};

struct log2_hist {
	__u64 slots[LOG2_SLOTS];
};

/* One per CPU: what that CPU's samples saw. */
struct runq_hist {
	__u64 rq_nr_running[RUNQ_SLOTS];  /* struct rq: every runnable task on the CPU, running one included */
	__u64 cfs_queued[RUNQ_SLOTS];     /* the sampled task's cfs_rq: entities queued there, itself included */
};

struct cswitch_counts {
	__u64 voluntary;   /* the thread blocked (prev_state != TASK_RUNNING) */
	__u64 involuntary; /* the thread was preempted while runnable */
};

/* context.bpf.c, one per CPU (a per-CPU array: each CPU writes only its own, no atomics). The
 * switch and migration counts are of the target's threads; the samples are of the CPU, whoever
 * runs on it. "waiting" = runnable tasks not running (struct rq nr_running minus the running one;
 * 0 when the CPU idles). */
struct context_cpu {
	__u64 voluntary;          /* a target thread blocked (switched out not runnable) */
	__u64 involuntary;        /* a target thread was preempted while runnable */
	__u64 migrations;         /* a target thread was moved to another CPU (counted where it was moved from) */
	__u64 samples;            /* timer samples taken on this CPU (an idle CPU may take fewer) */
	__u64 waiting_sum;        /* sum over samples of waiting */
	__u64 queued_sum;         /* sum over samples of rq nr_running (the running task included) */
	__u64 target_samples;     /* samples that found a target thread running */
	__u64 target_waiting_sum; /* sum of waiting over those */
	__u64 target_nonempty;    /* those with waiting > 0: the target had company in the queue */
	__u64 queued_max;         /* the largest rq nr_running a sample saw */
	__u64 other_samples;      /* samples that found another process's task running (not the target, not idle) */
};

struct syscall_stat {
	__u64 count;
	__u64 total_ns;
};

#endif
