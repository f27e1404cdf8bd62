// SPDX-License-Identifier: GPL-2.0
/* flametop's off-CPU program: on every context switch (tp_btf/sched_switch, in
 * the context of the task leaving the CPU) it
 *   - switch-out: records, for a target task, when it left and its user stack
 *     in the task's entry of ft_offcpu_tasks (per task, by tid);
 *   - switch-in: for a target task with an entry, the blocked time is now minus
 *     then. A block of at least min_block_ns reads the task's kernel stack
 *     (bpf_get_task_stack: it has not run since it blocked), stores both stacks
 *     by content (as profile.bpf.c does) and adds the nanoseconds to the counts
 *     of (pid, tid, user stack, kernel stack); a shorter one only adds to a
 *     counter. So a context-switch storm costs a user-stack check per switch
 *     (capture_user_stack), and no kernel walk and no hashing.
 *
 * A task that comes back with no entry was off the CPU since before the
 * session started: its time is counted from the session's start, under the
 * FT_OFFCPU_BLOCKED_BEFORE_START user stack and its kernel stack read with
 * bpf_get_task_stack (the kernel side of a blocked task is still in place).
 * Tasks still blocked when the session ends are added up to the end by user
 * space, from the entries left in ft_offcpu_tasks.
 *
 * Kprobes are not available on the kernels this was written for
 * (CONFIG_KPROBES=n): tracepoints and BPF trampolines are. No vmlinux.h: the few
 * task_struct fields read are declared below with preserve_access_index and
 * relocated against the kernel's BTF by libbpf (CO-RE). */
#include <linux/bpf.h>
#include <linux/errno.h>
#include <bpf/bpf_helpers.h>
#include "profiler_abi.h"
#include "ft_stacks.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct mm_struct;
struct pt_regs {
    unsigned long bp;
    unsigned long sp;
    unsigned long ip;
} __attribute__((preserve_access_index));
struct task_struct {
    int pid;
    int tgid;
    char comm[FT_COMM_LEN];
    struct mm_struct *mm; /* NULL for a kernel thread: no user stack */
} __attribute__((preserve_access_index));

/* How far above sp a frame pointer may be: the default thread stack (8 MB). */
#define FT_OFFCPU_STACK_REACH (8ULL << 20)

/* include/linux/sched.h: the state of a task at its very last switch. */
#define FT_TASK_DEAD 0x80

/* Set by user space between open and load; the only variable in .rodata. */
const volatile struct ft_offcpu_config ft_cfg = {};

/* The double-buffered counts and stacks (ft_stacks.bpf.h), sized at run time. */
COUNTS_MAP(ft_counts_0);
COUNTS_MAP(ft_counts_1);
STACKS_MAP(ft_stacks_0);
STACKS_MAP(ft_stacks_1);

/* One entry per target task seen leaving a CPU. Not preallocated: an entry is
 * 2 KB and most slots of a large map are never used. */
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 8192);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, __u32);
    __type(value, struct ft_offcpu_task);
} ft_offcpu_tasks SEC(".maps");

/* A zeroed entry to insert from (a task entry is larger than the BPF stack),
 * and the kernel stack of a task blocked since before the start. */
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct ft_offcpu_task);
} ft_offcpu_scratch SEC(".maps");

/* Slot 0: the session's start in bpf_ktime_get_ns() time (0 until user space
 * has attached the program and written it). */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} ft_offcpu_clock SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct ft_offcpu_counters);
} ft_offcpu_counters SEC(".maps");

/* The buffer counts go to; the only variable in .bss (see profile.bpf.c). */
__u32 ft_active_buffer = 0;

#define bump(counters, index) ((counters)->values[(index)] += 1)

/* Classifies a failed capture (bpf_get_stack's result) and returns the stack field. */
static __always_inline __s64 capture_error(long copied, struct ft_offcpu_counters *counters,
                                           __u32 efault, __u32 other)
{
    if (copied == -EFAULT || copied == 0) {
        bump(counters, efault);
        return -EFAULT;
    }
    bump(counters, other);
    return copied;
}

/* Stores a captured stack in `stacks` by content; returns its hash or FT_STACK_MAP_FULL. */
static __always_inline __s64 store_stack(void *stacks, const __u64 *ips, __s32 bytes,
                                         struct ft_offcpu_counters *counters, __u32 map_full)
{
    __s64 hash = ft_hash_stack((const struct ft_stack *)ips, (__u32)bytes / sizeof(__u64));
    if (!bpf_map_lookup_elem(stacks, &hash)) {
        long err = bpf_map_update_elem(stacks, &hash, ips, BPF_NOEXIST);
        if (err != 0 && err != -EEXIST) {
            bump(counters, map_full);
            return FT_STACK_MAP_FULL;
        }
    }
    return hash;
}

static __always_inline void add_time(void *counts, struct ft_stack_key *key, __u64 ns,
                                     struct ft_offcpu_counters *counters)
{
    __u64 *total = bpf_map_lookup_elem(counts, key);
    if (!total) {
        /* BPF_NOEXIST: if another CPU inserted the key meanwhile, add to it. */
        if (bpf_map_update_elem(counts, key, &ns, BPF_NOEXIST) == 0)
            goto counted;
        total = bpf_map_lookup_elem(counts, key);
        if (!total) {
            bump(counters, FT_OFFCPU_COUNTS_FULL);
            counters->values[FT_OFFCPU_LOST_NS] += ns;
            return;
        }
    }
    __sync_fetch_and_add(total, ns);
counted:
    bump(counters, FT_OFFCPU_BLOCKS);
    counters->values[FT_OFFCPU_BLOCK_NS] += ns;
}

/* Walks the user stack of `prev` (the current task) into its entry, unless it
 * leaves the CPU where it left last time. A thread that blocks again and again in
 * the same call (a context-switch storm) would pay a full walk each time, most of
 * it the fault that ends the walk in frameless start-up code (measured here:
 * ~0.9 µs a switch); the key costs up to FT_OFFCPU_USER_KEY_FRAMES user reads. The key
 * holds the registers the walk starts from and the first frames' (frame
 * pointer, return address) pairs: equal keys give the same first frames, and a
 * walk shorter than the key is the same walk. (A different stack past those
 * frames at the same depth and address keeps the older stack: rare, and counted
 * nowhere.) */
static __always_inline void capture_user_stack(void *ctx, struct task_struct *prev,
                                               struct ft_offcpu_task *task,
                                               struct ft_offcpu_counters *counters)
{
    struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(prev);
    __u64 key[2 + 2 * FT_OFFCPU_USER_KEY_FRAMES] = {};
    key[0] = regs->ip;
    key[1] = regs->sp;
    __u64 frame[2] = {regs->bp, 0};
    __u64 below = key[1];
    for (int i = 0; i < FT_OFFCPU_USER_KEY_FRAMES; i++) {
        __u64 at = frame[0];
        key[2 + 2 * i] = at;
        /* A frame lies above the last one, within a stack's reach of sp: anything
         * else is not a frame pointer (start-up code without one leaves garbage in
         * rbp), and reading it would cost a fault. */
        if (at <= below || at - key[1] > FT_OFFCPU_STACK_REACH || (at & 7) != 0)
            break;
        if (bpf_probe_read_user(frame, sizeof(frame), (void *)at) != 0)
            break;
        key[3 + 2 * i] = frame[1];
        below = at;
    }
    if (task->user_bytes > 0) {
        int same = 1;
        for (int i = 0; i < 2 + 2 * FT_OFFCPU_USER_KEY_FRAMES; i++)
            same &= task->user_key[i] == key[i];
        if (same) {
            bump(counters, FT_OFFCPU_USTACK_REUSED);
            return;
        }
    }
    __builtin_memcpy(task->user_key, key, sizeof(key));
    /* bpf_get_stack zero-fills what it does not copy (the whole buffer on failure). */
    task->user_bytes = bpf_get_stack(ctx, task->user_ips, sizeof(task->user_ips), BPF_F_USER_STACK);
}

/* The task leaving the CPU (the current task). */
static __always_inline void switch_out(void *ctx, struct task_struct *prev, __u32 prev_state, __u64 now,
                                       struct ft_offcpu_counters *counters)
{
    __u32 tid = prev->pid;
    if (prev_state & FT_TASK_DEAD) {
        /* Its last switch: it never runs again. */
        bpf_map_delete_elem(&ft_offcpu_tasks, &tid);
        return;
    }
    struct ft_offcpu_task *task = bpf_map_lookup_elem(&ft_offcpu_tasks, &tid);
    if (!task) {
        __u32 zero = 0;
        struct ft_offcpu_task *empty = bpf_map_lookup_elem(&ft_offcpu_scratch, &zero);
        if (!empty)
            return; /* cannot happen: a per-CPU array's slot 0 always exists */
        empty->start_ns = 0;
        bpf_map_update_elem(&ft_offcpu_tasks, &tid, empty, BPF_NOEXIST);
        task = bpf_map_lookup_elem(&ft_offcpu_tasks, &tid);
        if (!task) {
            bump(counters, FT_OFFCPU_TASKS_FULL);
            return;
        }
    }
    task->pid = prev->tgid;
    task->tid = tid;
    if ((ft_cfg.flags & FT_FLAG_USER_STACKS) && prev->mm)
        capture_user_stack(ctx, prev, task, counters);
    else
        task->user_bytes = FT_STACK_NOT_CAPTURED;
    task->start_ns = now;
    bump(counters, FT_OFFCPU_SWITCH_OUTS);
}

/* The task about to run: the end of its block. */
static __always_inline void switch_in(struct task_struct *next, __u64 now,
                                      struct ft_offcpu_counters *counters,
                                      void *counts, void *stacks)
{
    __u32 tid = next->pid;
    __u32 zero = 0;
    struct ft_offcpu_task *task = bpf_map_lookup_elem(&ft_offcpu_tasks, &tid);
    struct ft_stack_key key = {};
    key.pid = next->tgid;
    key.tid = tid;

    if (task && task->start_ns != 0) {
        __u64 ns = now - task->start_ns;
        task->start_ns = 0;
        if (ns < ft_cfg.min_block_ns) {
            bump(counters, FT_OFFCPU_SHORT_BLOCKS);
            counters->values[FT_OFFCPU_SHORT_NS] += ns;
            return;
        }
        /* The name now, not at the switch-out: only long blocks pay for it. */
        bpf_probe_read_kernel(key.comm, sizeof(key.comm), next->comm);
        __s32 user_bytes = task->user_bytes;
        __s32 kern_bytes = FT_STACK_NOT_CAPTURED;
        if (ft_cfg.flags & FT_FLAG_KERNEL_STACKS) {
            /* Not run since it blocked: its kernel stack is where it waited. */
            kern_bytes = bpf_get_task_stack(next, task->kern_ips, sizeof(task->kern_ips), 0);
            task->kern_bytes = kern_bytes;
        }
        if (user_bytes > 0)
            key.user_stack = store_stack(stacks, task->user_ips, user_bytes, counters, FT_OFFCPU_USTACK_MAP_FULL);
        else if (user_bytes == FT_STACK_NOT_CAPTURED)
            key.user_stack = FT_STACK_NOT_CAPTURED;
        else
            key.user_stack = capture_error(user_bytes, counters, FT_OFFCPU_USTACK_EFAULT, FT_OFFCPU_USTACK_OTHER);
        if (kern_bytes > 0)
            key.kern_stack = store_stack(stacks, task->kern_ips, kern_bytes, counters, FT_OFFCPU_KSTACK_MAP_FULL);
        else if (kern_bytes == FT_STACK_NOT_CAPTURED)
            key.kern_stack = FT_STACK_NOT_CAPTURED;
        else
            key.kern_stack = capture_error(kern_bytes, counters, FT_OFFCPU_KSTACK_EFAULT, FT_OFFCPU_KSTACK_OTHER);
        add_time(counts, &key, ns, counters);
        return;
    }

    if (task) {
        /* An entry without a start: the task ran since its last wake-up and left
         * a CPU again, but the program did not run for that switch-out. This
         * block cannot be timed (and is not timed from the session's start). */
        bump(counters, FT_OFFCPU_SWITCH_OUT_MISSED);
        return;
    }

    /* No entry: off the CPU since before the session started. */
    __u64 *start = bpf_map_lookup_elem(&ft_offcpu_clock, &zero);
    if (!start || *start == 0 || now <= *start)
        return; /* user space has not written the start yet */
    struct ft_offcpu_task *scratch = bpf_map_lookup_elem(&ft_offcpu_scratch, &zero);
    if (!scratch)
        return; /* cannot happen: a per-CPU array's slot 0 always exists */
    /* An entry (no start) from now on: the task is timed from the start once. */
    bpf_map_update_elem(&ft_offcpu_tasks, &tid, scratch, BPF_NOEXIST);
    __u64 ns = now - *start;
    bump(counters, FT_OFFCPU_BEFORE_START);
    if (ns < ft_cfg.min_block_ns) {
        bump(counters, FT_OFFCPU_SHORT_BLOCKS);
        counters->values[FT_OFFCPU_SHORT_NS] += ns;
        return;
    }
    bpf_probe_read_kernel(key.comm, sizeof(key.comm), next->comm);
    key.user_stack = FT_OFFCPU_BLOCKED_BEFORE_START;
    key.kern_stack = FT_STACK_NOT_CAPTURED;
    if (ft_cfg.flags & FT_FLAG_KERNEL_STACKS) {
        long copied = bpf_get_task_stack(next, scratch->kern_ips, sizeof(scratch->kern_ips), 0);
        if (copied > 0)
            key.kern_stack = store_stack(stacks, scratch->kern_ips, copied, counters, FT_OFFCPU_KSTACK_MAP_FULL);
        else
            key.kern_stack = capture_error(copied, counters, FT_OFFCPU_KSTACK_EFAULT, FT_OFFCPU_KSTACK_OTHER);
        /* The scratch doubles as the zeroed entry to insert from. */
        __builtin_memset(scratch->kern_ips, 0, sizeof(scratch->kern_ips));
    }
    add_time(counts, &key, ns, counters);
}

/* sched_switch(bool preempt, struct task_struct *prev, struct task_struct *next,
 * unsigned int prev_state), Linux 5.18+. Runs as `prev`, just before the switch. */
SEC("tp_btf/sched_switch")
int ft_switch(unsigned long long *ctx)
{
    struct task_struct *prev = (struct task_struct *)ctx[1];
    struct task_struct *next = (struct task_struct *)ctx[2];
    __u32 prev_state = (__u32)ctx[3];

    __u32 zero = 0;
    struct ft_offcpu_counters *counters = bpf_map_lookup_elem(&ft_offcpu_counters, &zero);
    if (!counters)
        return 0;
    bump(counters, FT_OFFCPU_SWITCHES);

    /* The TGID filter first: every switch on the host runs this program. */
    __u32 target = ft_cfg.target_tgid;
    __u32 excluded = ft_cfg.exclude_tgid;
    int prev_ours = prev->pid != 0 && (target == 0 || (__u32)prev->tgid == target) && (__u32)prev->tgid != excluded;
    int next_ours = next->pid != 0 && (target == 0 || (__u32)next->tgid == target) && (__u32)next->tgid != excluded;
    if (!prev_ours && !next_ours)
        return 0;

    __u64 now = bpf_ktime_get_ns();
    if (prev_ours)
        switch_out(ctx, prev, prev_state, now, counters);
    if (next_ours) {
        if (ft_active_buffer & 1)
            switch_in(next, now, counters, &ft_counts_1, &ft_stacks_1);
        else
            switch_in(next, now, counters, &ft_counts_0, &ft_stacks_0);
    }
    return 0;
}

/* Run once by user space at the session's end, after ft_switch is detached:
 * reads the kernel stack of every task still blocked (an entry with a start),
 * which ft_switch would have read at its wake-up. */
struct bpf_iter_meta;
struct bpf_iter__task {
    struct bpf_iter_meta *meta;
    struct task_struct *task;
} __attribute__((preserve_access_index));

SEC("iter/task")
int ft_blocked_stacks(struct bpf_iter__task *ctx)
{
    struct task_struct *task = ctx->task;
    if (!task)
        return 0;
    __u32 tid = task->pid;
    struct ft_offcpu_task *entry = bpf_map_lookup_elem(&ft_offcpu_tasks, &tid);
    if (!entry || entry->start_ns == 0)
        return 0;
    bpf_probe_read_kernel(entry->comm, sizeof(entry->comm), task->comm);
    if (ft_cfg.flags & FT_FLAG_KERNEL_STACKS)
        entry->kern_bytes = bpf_get_task_stack(task, entry->kern_ips, sizeof(entry->kern_ips), 0);
    return 0;
}
