/* What every probe of this folder shares on the BPF side: the config knob and two helpers. */
#ifndef PROBE_COMMON_BPF_H
#define PROBE_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "contextlab_trace.h"

const volatile struct probe_config cfg = {};

static __always_inline bool traced_tgid(__u32 tgid)
{
	return cfg.target_tgid == 0 || cfg.target_tgid == tgid;
}

static __always_inline __u32 log2_slot(__u64 v)
{
	__u32 slot = 0;
	/* Unrolled by clang: the verifier needs a bounded loop and this is 6 steps, not 64. */
	if (v >= (1ULL << 32)) { v >>= 32; slot += 32; }
	if (v >= (1ULL << 16)) { v >>= 16; slot += 16; }
	if (v >= (1ULL << 8))  { v >>= 8;  slot += 8; }
	if (v >= (1ULL << 4))  { v >>= 4;  slot += 4; }
	if (v >= (1ULL << 2))  { v >>= 2;  slot += 2; }
	if (v >= (1ULL << 1))  { slot += 1; }
	return slot < LOG2_SLOTS ? slot : LOG2_SLOTS - 1;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#endif
