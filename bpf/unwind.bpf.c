// SPDX-License-Identifier: GPL-2.0
/* flametop's DWARF-mode sampler: for every cpu-clock sample of a process that
 * user space put in DWARF mode (the frame-pointer program tail-calls this one) it
 * sends the user registers, the kernel stack and a bounded copy of the user
 * stack through a ring buffer; user space unwinds the copy with the binaries'
 * CFI (.eh_frame/.debug_frame), which works without frame pointers.
 *
 * Losses are counted, never silent: a full ring buffer (slow consumer) drops
 * the sample and bumps FT_UNWIND_DROPPED_RING_FULL; the program never waits. */
#include <linux/bpf.h>
#include <linux/bpf_perf_event.h>
#include <linux/errno.h>
#include <bpf/bpf_helpers.h>
#include "profiler_abi.h"
#include "ft_sampling.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* The only variable in .rodata: written by user space before load. */
const volatile struct ft_unwind_config ft_unwind_cfg = {};

/* max_entries (bytes, a power of two) set at run time from the session. */
struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4 * 1024 * 1024);
} ft_unwind_ring SEC(".maps");

/* One scratch record per CPU. Not a per-CPU array: per-CPU values are limited
 * to 32 KB (PCPU_MIN_UNIT_SIZE), the record is larger. max_entries is set to
 * the number of possible CPUs; perf_event programs do not nest on one CPU. */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct ft_unwind_sample);
} ft_unwind_scratch SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct ft_unwind_counters);
} ft_unwind_counters SEC(".maps");

#if defined(__TARGET_ARCH_x86)
/* x86-64 DWARF register order (System V psABI, table 3.36). */
static __always_inline void copy_registers(__u64 *out, const struct pt_regs *regs)
{
    out[0] = regs->rax;
    out[1] = regs->rdx;
    out[2] = regs->rcx;
    out[3] = regs->rbx;
    out[4] = regs->rsi;
    out[5] = regs->rdi;
    out[6] = regs->rbp;
    out[7] = regs->rsp;
    out[8] = regs->r8;
    out[9] = regs->r9;
    out[10] = regs->r10;
    out[11] = regs->r11;
    out[12] = regs->r12;
    out[13] = regs->r13;
    out[14] = regs->r14;
    out[15] = regs->r15;
    out[16] = regs->rip;
}

struct copy_state {
    struct ft_unwind_sample *sample;
    __u64 sp;
    __u32 wanted;
    __u32 copied;
};

/* One page of the copy per call. Through bpf_loop (Linux 5.17) the verifier
 * checks this body once; an unrolled loop of 16 pages cost it 41,000
 * instructions and 50-100 ms of load time, the time `auto` waited before a
 * process could switch to DWARF. */
static long copy_page(__u64 index, void *arg)
{
    struct copy_state *state = arg;
    __u32 copied = state->copied;
    if (copied >= state->wanted || copied > FT_UNWIND_MAX_STACK_BYTES)
        return 1;
    __u32 chunk = state->wanted - copied;
    if (chunk > FT_UNWIND_PAGE_SIZE)
        chunk = FT_UNWIND_PAGE_SIZE;
    if (bpf_probe_read_user(state->sample->stack + copied, chunk, (void *)(state->sp + copied)) != 0)
        return 1;
    state->copied = copied + chunk;
    return 0;
}

/* Copies up to `wanted` bytes from `sp` up, page by page: bpf_probe_read_user
 * fails as a whole when a read crosses into an unmapped page, so the copy stops
 * at the last readable page (the top of a thread's stack) instead of failing. */
static __always_inline __u32 copy_stack(struct ft_unwind_sample *sample, __u64 sp, __u32 wanted)
{
    __u32 first = FT_UNWIND_PAGE_SIZE - (sp & (FT_UNWIND_PAGE_SIZE - 1));
    if (first > wanted)
        first = wanted;
    if (first > FT_UNWIND_PAGE_SIZE)
        return 0;
    if (bpf_probe_read_user(sample->stack, first, (void *)sp) != 0)
        return 0;
    struct copy_state state = { .sample = sample, .sp = sp, .wanted = wanted, .copied = first };
    bpf_loop(FT_UNWIND_MAX_STACK_BYTES / FT_UNWIND_PAGE_SIZE, copy_page, &state, 0);
    return state.copied;
}
#endif

SEC("perf_event")
int ft_sample_dwarf(struct bpf_perf_event_data *ctx)
{
    __u64 id = bpf_get_current_pid_tgid();
    __u32 tgid = id >> 32;
    __u32 tid = (__u32)id;
    __u32 zero = 0;
    struct ft_unwind_counters *counters = bpf_map_lookup_elem(&ft_unwind_counters, &zero);
    if (!counters)
        return 0;
    if (!ft_admit(counters->values, ft_unwind_cfg.target_tgid, ft_unwind_cfg.exclude_tgid, tgid, tid,
                  FT_UNWIND_SEEN, FT_UNWIND_IDLE, FT_UNWIND_FILTERED))
        return 0;
#if defined(__TARGET_ARCH_x86)
    __u32 cpu = bpf_get_smp_processor_id();
    struct ft_unwind_sample *sample = bpf_map_lookup_elem(&ft_unwind_scratch, &cpu);
    if (!sample)
        return 0;
    struct ft_unwind_sample_header *header = &sample->header;
    header->pid = tgid;
    header->tid = tid;
    header->flags = 0;
    header->stack_size = 0;
    header->kernel_depth = 0;
    header->stack_wanted = 0;
    bpf_get_current_comm(header->comm, sizeof(header->comm));

    struct pt_regs user_regs;
    if (ft_user_mode(&ctx->regs)) {
        user_regs = ctx->regs;
    } else {
        header->flags |= FT_UNWIND_SAMPLE_KERNEL_MODE;
        if (ft_unwind_cfg.flags & FT_FLAG_KERNEL_STACKS)
            header->kernel_depth = bpf_get_stack(ctx, header->kernel_ips, sizeof(header->kernel_ips), 0);
        /* In kernel mode the user registers are those the task saved on entry
         * (bpf_task_pt_regs, Linux 5.15, needs kernel BTF). A kernel thread's
         * saved regs are not user mode: it has no user stack. */
        struct task_struct *task = bpf_get_current_task_btf();
        long saved = bpf_task_pt_regs(task);
        if (!saved || bpf_probe_read_kernel(&user_regs, sizeof(user_regs), (void *)saved) != 0) {
            bump(counters, FT_UNWIND_NO_USER_REGS);
            header->flags |= FT_UNWIND_SAMPLE_NO_USER;
        } else if (!ft_user_mode(&user_regs)) {
            header->flags |= FT_UNWIND_SAMPLE_NO_USER;
        }
    }
    if (!(header->flags & FT_UNWIND_SAMPLE_NO_USER) && (ft_unwind_cfg.flags & FT_FLAG_USER_STACKS)) {
        copy_registers(header->regs, &user_regs);
        __u32 wanted = ft_unwind_cfg.stack_bytes;
        struct ft_process_unwind *process = bpf_map_lookup_elem(&ft_process_unwind, &tgid);
        if (process && process->stack_bytes != 0)
            wanted = process->stack_bytes;
        if (wanted > FT_UNWIND_MAX_STACK_BYTES)
            wanted = FT_UNWIND_MAX_STACK_BYTES;
        header->stack_wanted = wanted;
        header->stack_size = copy_stack(sample, user_regs.rsp, wanted);
        if (header->stack_size == 0)
            bump(counters, FT_UNWIND_STACK_UNREADABLE);
    } else if (!(ft_unwind_cfg.flags & FT_FLAG_USER_STACKS)) {
        header->flags |= FT_UNWIND_SAMPLE_NO_USER;
    }

    __u64 size = sizeof(*header) + (__u64)header->stack_size;
    if (size > sizeof(*sample))
        size = sizeof(*sample);
    /* No wakeup: user space consumes on its own clock, so a sample never costs
     * a wakeup of flametop (adaptive notification would wake it per batch). */
    if (bpf_ringbuf_output(&ft_unwind_ring, sample, size, BPF_RB_NO_WAKEUP) != 0) {
        bump(counters, FT_UNWIND_DROPPED_RING_FULL);
        return 0;
    }
    bump(counters, FT_UNWIND_SENT);
#endif
    return 0;
}
