/* SPDX-License-Identifier: GPL-2.0 */
/* What bpf/profile.bpf.c and bpf/unwind.bpf.c share. */
#ifndef FT_SAMPLING_BPF_H
#define FT_SAMPLING_BPF_H

#include <linux/bpf_perf_event.h>
#include <bpf/bpf_helpers.h>
#include "profiler_abi.h"

/* How each process's user stacks are walked (see profiler_abi.h). Both objects
 * declare it; user space loads the DWARF object with the frame-pointer
 * object's map (bpf_map__reuse_fd), so the two read one table. */
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, FT_PROCESS_UNWIND_ENTRIES);
    __type(key, __u32);
    __type(value, struct ft_process_unwind);
} ft_process_unwind SEC(".maps");

/* Adds one to a counter of this CPU's counters value (per-CPU: no atomics). */
#define bump(counters, index) ((counters)->values[(index)] += 1)

/* Whether `regs` are user-mode registers: the sample interrupted user code, so
 * there is no kernel stack to capture. */
static __always_inline int ft_user_mode(const bpf_user_pt_regs_t *regs)
{
#if defined(__TARGET_ARCH_x86)
    return (regs->cs & 3) == 3;
#elif defined(__TARGET_ARCH_arm64)
    return (regs->pstate & 0xf) == 0; /* PSR_MODE_EL0t */
#else
    return 0; /* unknown: always try the kernel stack */
#endif
}

/* Counts the sample as seen, then whether it is dropped: the idle task (tid 0)
 * is not profiled, with a target set (non-zero) other processes are filtered
 * out, and so is the excluded process (flametop itself when it samples every
 * process: unwinding and naming its own samples would make more of them).
 * Returns non-zero for a sample to record. */
static __always_inline int ft_admit(__u64 *counters, __u32 target_tgid, __u32 exclude_tgid,
                                    __u32 tgid, __u32 tid, __u32 seen, __u32 idle, __u32 filtered)
{
    counters[seen] += 1;
    if (tid == 0) {
        counters[idle] += 1;
        return 0;
    }
    if ((target_tgid != 0 && tgid != target_tgid) || tgid == exclude_tgid) {
        counters[filtered] += 1;
        return 0;
    }
    return 1;
}

#endif
