// SPDX-License-Identifier: GPL-2.0
/* flametop's sampler: runs on every cpu-clock perf event that fires for the
 * target, captures the user and kernel stacks and counts them per
 * (pid, tid, user stack, kernel stack). User space drains the counts.
 *
 * Double buffering: samples go to buffer ft_active_buffer (0 or 1); user space
 * flips it, then drains the idle buffer's counts and the stacks they name.
 *
 * Stacks are stored by content: bpf_get_stack copies the addresses into a
 * per-CPU scratch, a 63-bit hash of them is the key in the buffer's stacks map
 * (a plain hash map), and the counts key names the stack by that hash. Unlike a
 * BPF_MAP_TYPE_STACK_TRACE map, two different stacks never compete for a slot. */
#include <linux/bpf.h>
#include <linux/bpf_perf_event.h>
#include <linux/errno.h>
#include <bpf/bpf_helpers.h>
#include "profiler_abi.h"
#include "ft_sampling.bpf.h"
#include "ft_stacks.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by user space between open and load. The only variable in .rodata: the
 * loader writes it at offset 0, and ABILayoutTests checks that against BTF. */
const volatile struct ft_config ft_cfg = {};

/* The double-buffered counts and stacks (ft_stacks.bpf.h), sized at run time. */
COUNTS_MAP(ft_counts_0);
COUNTS_MAP(ft_counts_1);
STACKS_MAP(ft_stacks_0);
STACKS_MAP(ft_stacks_1);

/* Where bpf_get_stack writes before the stack is hashed and stored: a stack is
 * larger than the 512-byte BPF stack. */
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct ft_stack);
} ft_stack_scratch SEC(".maps");

/* The buffer samples go to. The only variable in .bss: user space writes it
 * with one map update per drain. Global data costs no helper call to read. */
__u32 ft_active_buffer = 0;

/* When the first sample of the target was admitted (bpf_ktime_get_ns, CLOCK_MONOTONIC):
 * `make bench` times start → first sample from the kernel's side. In .data, not .bss,
 * because user space rewrites the whole .bss on every drain. */
__u64 ft_first_sample_ns SEC(".data") = 0;

/* Slot 0: the DWARF program (bpf/unwind.bpf.c), inserted by user space once
 * that object is loaded. Empty when DWARF unwinding is unavailable: the tail
 * call then fails and the sample is counted with frame pointers. */
struct {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u32);
} ft_dwarf_program SEC(".maps");

/* All counters in one per-CPU value: one lookup per sample, then plain adds
 * (per-CPU: no atomics needed). */
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct ft_counters);
} ft_counters SEC(".maps");

struct stack_tail {
    struct ft_stack *stack;
    __u32 words;
};

/* Zero-fills the slots past a stack's addresses: user space reads a stack up to its
 * first 0. bpf_get_stack fills them itself; the program's own walk does not. */
static long clear_slot(__u64 index, void *arg)
{
    struct stack_tail *tail = arg;
    __u32 slot = tail->words + (__u32)index;
    if (slot >= FT_MAX_STACK_DEPTH)
        return 1;
    tail->stack->ips[slot] = 0;
    return 0;
}

/* Stores the first `words` addresses of `scratch` in `stacks` by content; returns
 * their hash, or FT_STACK_MAP_FULL (counted). */
static __always_inline __s64 store_stack(void *stacks, struct ft_stack *scratch, __u32 words,
                                         struct ft_counters *counters, __u32 map_full)
{
    __s64 hash = ft_hash_stack(scratch, words);
    if (bpf_map_lookup_elem(stacks, &hash))
        return hash;
    struct stack_tail tail = { .stack = scratch, .words = words };
    bpf_loop(FT_MAX_STACK_DEPTH, clear_slot, &tail, 0);
    /* BPF_NOEXIST: another CPU may have stored the same stack meanwhile. */
    long err = bpf_map_update_elem(stacks, &hash, scratch, BPF_NOEXIST);
    if (err != 0 && err != -EEXIST) {
        bump(counters, map_full);
        return FT_STACK_MAP_FULL;
    }
    return hash;
}

/* Captures one stack with bpf_get_stack and stores it; returns its hash or a
 * negative code (FT_STACK_MAP_FULL or bpf_get_stack's errno), counted by cause. */
static __always_inline __s64 capture_stack(struct bpf_perf_event_data *ctx, void *stacks,
                                           struct ft_stack *scratch, __u64 flags,
                                           struct ft_counters *counters, __u32 map_full,
                                           __u32 efault, __u32 other)
{
    long copied = bpf_get_stack(ctx, scratch->ips, sizeof(scratch->ips), flags);
    if (copied <= 0) {
        if (copied == -EFAULT || copied == 0) {
            bump(counters, efault);
            return -EFAULT;
        }
        bump(counters, other);
        return copied;
    }
    return store_stack(stacks, scratch, (__u32)copied / sizeof(__u64), counters, map_full);
}

#if defined(__TARGET_ARCH_x86)
struct frame_walk {
    struct ft_stack *stack;
    __u64 fp;
    __u32 depth;
};

/* One frame-pointer step: [fp] is the caller's fp, [fp + 8] the return address.
 * The walk ends where a chain ends: a caller's frame lies above its callee's, so
 * an fp that does not grow (0, or a frameless function's scratch value) is not
 * read. The kernel's walker (bpf_get_stack) reads it anyway and stops only when
 * the read faults, which measured 650 of 1,600 ns per sample on a C program:
 * glibc's __libc_start_call_main, main's caller, keeps no frame pointer. */
static long walk_frame(__u64 index, void *arg)
{
    struct frame_walk *walk = arg;
    /* Every step before this one stored a frame (or the walk ended): the slot
     * follows from the loop's index, which the verifier does not track, so it
     * checks this body once rather than once per depth. */
    __u64 slot = index + 1;
    __u64 fp = walk->fp;
    __u64 frame[2];
    if (slot >= FT_MAX_STACK_DEPTH || fp == 0 || (fp & 7))
        return 1;
    if (bpf_probe_read_user(frame, sizeof(frame), (void *)fp) != 0 || frame[1] == 0)
        return 1;
    walk->stack->ips[slot] = frame[1];
    walk->depth = slot + 1;
    if (frame[0] <= fp)
        return 1;
    walk->fp = frame[0];
    return 0;
}

/* The user stack of a sample taken in user mode, walked by frame pointers from
 * the sampled registers (the addresses bpf_get_stack gives, without its last read). */
static __always_inline __s64 walk_user_stack(struct bpf_perf_event_data *ctx, void *stacks,
                                             struct ft_stack *scratch, struct ft_counters *counters)
{
    scratch->ips[0] = ctx->regs.rip;
    struct frame_walk walk = { .stack = scratch, .fp = ctx->regs.rbp, .depth = 1 };
    bpf_loop(FT_MAX_STACK_DEPTH, walk_frame, &walk, 0);
    return store_stack(stacks, scratch, walk.depth, counters, FT_USTACK_MAP_FULL);
}
#endif

static __always_inline int record_sample(struct bpf_perf_event_data *ctx, void *counts,
                                         void *stacks, struct ft_stack_key *key,
                                         struct ft_counters *counters)
{
    __u32 zero = 0;
    struct ft_stack *scratch = bpf_map_lookup_elem(&ft_stack_scratch, &zero);
    if (!scratch)
        return 0; /* cannot happen: a per-CPU array's slot 0 always exists */

    if (!(ft_cfg.flags & FT_FLAG_USER_STACKS))
        key->user_stack = FT_STACK_NOT_CAPTURED;
#if defined(__TARGET_ARCH_x86)
    else if (ft_user_mode(&ctx->regs))
        key->user_stack = walk_user_stack(ctx, stacks, scratch, counters);
#endif
    else
        key->user_stack = capture_stack(ctx, stacks, scratch, BPF_F_USER_STACK, counters,
                                        FT_USTACK_MAP_FULL, FT_USTACK_EFAULT, FT_USTACK_OTHER);

    if ((ft_cfg.flags & FT_FLAG_KERNEL_STACKS) && !ft_user_mode(&ctx->regs))
        key->kern_stack = capture_stack(ctx, stacks, scratch, 0, counters,
                                        FT_KSTACK_MAP_FULL, FT_KSTACK_EFAULT, FT_KSTACK_OTHER);
    else
        key->kern_stack = FT_STACK_NOT_CAPTURED;

    __u64 *count = bpf_map_lookup_elem(counts, key);
    if (count) {
        __sync_fetch_and_add(count, 1);
    } else {
        __u64 one = 1;
        /* BPF_NOEXIST: if another CPU inserted the key meanwhile, add to it. */
        if (bpf_map_update_elem(counts, key, &one, BPF_NOEXIST) != 0) {
            count = bpf_map_lookup_elem(counts, key);
            if (!count) {
                bump(counters, FT_SAMPLES_DROPPED_MAP_FULL);
                return 0;
            }
            __sync_fetch_and_add(count, 1);
        }
    }
    bump(counters, FT_SAMPLES_COUNTED);
    return 0;
}

SEC("perf_event")
int ft_sample(struct bpf_perf_event_data *ctx)
{
    __u64 id = bpf_get_current_pid_tgid();
    __u32 tgid = id >> 32;
    __u32 tid = (__u32)id;

    __u32 zero = 0;
    struct ft_counters *counters = bpf_map_lookup_elem(&ft_counters, &zero);
    if (!counters)
        return 0; /* cannot happen: a per-CPU array's slot 0 always exists */

    if (!ft_admit(counters->values, ft_cfg.target_tgid, ft_cfg.exclude_tgid, tgid, tid,
                  FT_SAMPLES_SEEN, FT_SAMPLES_IDLE, FT_SAMPLES_FILTERED))
        return 0;
    if (ft_first_sample_ns == 0)
        ft_first_sample_ns = bpf_ktime_get_ns();

    if (ft_cfg.flags & FT_FLAG_PER_PROCESS_UNWIND) {
        __u32 mode = ft_cfg.default_mode;
        struct ft_process_unwind *process = bpf_map_lookup_elem(&ft_process_unwind, &tgid);
        if (process)
            mode = process->mode;
        if (mode == FT_UNWIND_MODE_DWARF) {
            bump(counters, FT_SAMPLES_TO_DWARF);
            bpf_tail_call(ctx, &ft_dwarf_program, 0);
            /* Only reached when the slot is empty: keep the sample. */
            counters->values[FT_SAMPLES_TO_DWARF] -= 1;
            bump(counters, FT_SAMPLES_DWARF_UNAVAILABLE);
        }
    }

    struct ft_stack_key key = {};
    key.pid = tgid;
    key.tid = tid;
    bpf_get_current_comm(key.comm, sizeof(key.comm));

    if (ft_active_buffer & 1)
        return record_sample(ctx, &ft_counts_1, &ft_stacks_1, &key, counters);
    return record_sample(ctx, &ft_counts_0, &ft_stacks_0, &key, counters);
}
