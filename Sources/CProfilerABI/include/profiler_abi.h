/* The contract between bpf/profile.bpf.c and the Swift side (Sources/Sampling).
 * Both compile this header: clang -target bpf for the kernel program, the Swift
 * importer for user space. A test (ABILayoutTests) checks the layout Swift sees
 * against the BTF that clang wrote into the BPF object. */
#ifndef FLAMETOP_PROFILER_ABI_H
#define FLAMETOP_PROFILER_ABI_H

#include <linux/types.h>

#define FT_COMM_LEN 16
/* bpf_get_stack copies at most this many frames per stack (the kernel's
 * sysctl kernel.perf_event_max_stack defaults to 127). */
#define FT_MAX_STACK_DEPTH 127

/* A stack as the stacks maps hold it: addresses leaf first, zero-filled after
 * the outermost frame. */
struct ft_stack {
    __u64 ips[FT_MAX_STACK_DEPTH];
};

/* One aggregation bucket: samples of the same thread with the same stacks.
 * A stack is named by a 63-bit hash of its addresses (its key in the stacks
 * map), not by a BPF_MAP_TYPE_STACK_TRACE id: that map keeps one stack per
 * bucket of a 32-bit hash and refuses a second stack in the same bucket, which
 * lost whole call paths for the rest of a drain interval. */
struct ft_stack_key {
    __u32 pid;            /* tgid: the process */
    __u32 tid;            /* the thread */
    __s64 user_stack;     /* hash of the user stack (>= 0), or a negative errno */
    __s64 kern_stack;     /* likewise for the kernel stack */
    char comm[FT_COMM_LEN];
};

/* Indexes into `struct ft_counters`. Every sample lands in
 * exactly one of SAMPLES_COUNTED / SAMPLES_DROPPED_MAP_FULL / SAMPLES_FILTERED /
 * SAMPLES_IDLE; the stack error counters are independent of that. */
enum ft_counter {
    FT_SAMPLES_SEEN = 0,          /* program invocations */
    FT_SAMPLES_COUNTED,           /* landed in a counts map */
    FT_SAMPLES_FILTERED,          /* other process (per-CPU mode) */
    FT_SAMPLES_IDLE,              /* the idle task (pid 0), not profiled */
    FT_SAMPLES_DROPPED_MAP_FULL,  /* counts map full: sample lost */
    FT_USTACK_MAP_FULL,           /* stacks map full: the stack is lost */
    FT_USTACK_EFAULT,             /* no user stack: kernel thread, or unreadable */
    FT_USTACK_OTHER,
    FT_KSTACK_MAP_FULL,
    FT_KSTACK_EFAULT,             /* kernel stack unreadable (kernel mode only) */
    FT_KSTACK_OTHER,
    FT_SAMPLES_TO_DWARF,          /* handed to the DWARF program (tail call) */
    FT_SAMPLES_DWARF_UNAVAILABLE, /* the tail call failed: counted with frame pointers instead */
    FT_COUNTER_COUNT
};

/* kern_stack when the sample interrupted user mode: there is no kernel stack
 * to capture, so the program does not try (not a loss). */
#define FT_STACK_NOT_CAPTURED (-2) /* -ENOENT */
/* A user or kernel stack field when the stacks map had no room for the stack. */
#define FT_STACK_MAP_FULL (-28) /* -ENOSPC */

/* The per-CPU value of the counters map: every counter of one CPU. */
struct ft_counters {
    __u64 values[FT_COUNTER_COUNT];
};

/* Settings frozen into the program's read-only data before load. */
struct ft_config {
    __u32 target_tgid;    /* 0: every process */
    __u32 flags;          /* FT_FLAG_* */
    __u32 default_mode;   /* FT_UNWIND_MODE_* of a process with no ft_process_unwind entry */
    __u32 exclude_tgid;   /* a process never sampled (flametop itself, system-wide); 0: none */
};

#define FT_FLAG_USER_STACKS   (1u << 0)
#define FT_FLAG_KERNEL_STACKS (1u << 1)
/* The frame-pointer program looks up each sample's process in ft_process_unwind
 * and hands DWARF processes to the DWARF program. */
#define FT_FLAG_PER_PROCESS_UNWIND (1u << 2)

/* ---- Per-process unwinding ----
 * User space decides per process how its user stacks are walked and writes the
 * decision to the ft_process_unwind hash map (pid -> struct ft_process_unwind),
 * which both programs read: the frame-pointer program, attached to every perf
 * event, tail-calls the DWARF program for a process in DWARF mode. */
#define FT_UNWIND_MODE_FRAME_POINTERS 0
#define FT_UNWIND_MODE_DWARF 1
#define FT_PROCESS_UNWIND_ENTRIES 8192

struct ft_process_unwind {
    __u32 mode;           /* FT_UNWIND_MODE_* */
    __u32 stack_bytes;    /* DWARF: user stack to copy; 0: ft_unwind_config.stack_bytes */
};

/* Double buffering: the program writes to buffer `ft_active_buffer` (.bss),
 * user space flips it and drains the other one. */
#define FT_BUFFER_COUNT 2

/* ---- DWARF unwinding (bpf/unwind.bpf.c) ----
 * The program sends one record per sample through a ring buffer: the user
 * registers, the kernel stack, and a copy of the user stack from the stack
 * pointer up. User space unwinds the copy with the binaries' CFI. */

/* The largest user-stack copy a session can ask for (--stack-copy). */
#define FT_UNWIND_MAX_STACK_BYTES 65536
/* The copy is read page by page (a read that crosses into an unmapped page
 * fails as a whole), so the buffer has one page of slack. */
#define FT_UNWIND_PAGE_SIZE 4096
/* x86-64 DWARF register numbers 0..16: rax rdx rcx rbx rsi rdi rbp rsp r8..r15,
 * then the return-address column (rip). */
#define FT_UNWIND_REGISTER_COUNT 17

/* flags of a record */
#define FT_UNWIND_SAMPLE_KERNEL_MODE (1u << 0)  /* interrupted kernel mode: regs are the task's saved user regs */
#define FT_UNWIND_SAMPLE_NO_USER     (1u << 1)  /* no user registers (kernel thread): no user stack */

struct ft_unwind_sample_header {
    __u32 pid;
    __u32 tid;
    char comm[FT_COMM_LEN];
    __u32 flags;            /* FT_UNWIND_SAMPLE_* */
    __u32 stack_size;       /* bytes of user stack copied, from regs[7] (sp) up */
    __s32 kernel_depth;     /* bytes of kernel_ips filled, or a negative errno; 0: user mode */
    __u32 stack_wanted;     /* bytes of user stack the copy asked for (the process's copy size) */
    __u64 regs[FT_UNWIND_REGISTER_COUNT];
    __u64 kernel_ips[FT_MAX_STACK_DEPTH];
};

/* The per-CPU scratch record; only header + stack_size bytes go to the ring. */
struct ft_unwind_sample {
    struct ft_unwind_sample_header header;
    __u8 stack[FT_UNWIND_MAX_STACK_BYTES + FT_UNWIND_PAGE_SIZE];
};

/* Counters of the unwind program (a separate per-CPU array). */
enum ft_unwind_counter {
    FT_UNWIND_SEEN = 0,            /* program invocations */
    FT_UNWIND_SENT,                /* records written to the ring buffer */
    FT_UNWIND_FILTERED,            /* other process */
    FT_UNWIND_IDLE,                /* idle task */
    FT_UNWIND_DROPPED_RING_FULL,   /* ring buffer full (slow consumer): sample lost */
    FT_UNWIND_STACK_UNREADABLE,    /* not a byte of user stack could be read */
    FT_UNWIND_NO_USER_REGS,        /* kernel mode and the task's user regs unreadable */
    FT_UNWIND_COUNTER_COUNT
};

struct ft_unwind_counters {
    __u64 values[FT_UNWIND_COUNTER_COUNT];
};

struct ft_unwind_config {
    __u32 target_tgid;    /* 0: every process */
    __u32 flags;          /* FT_FLAG_* */
    __u32 stack_bytes;    /* user stack to copy, <= FT_UNWIND_MAX_STACK_BYTES */
    __u32 exclude_tgid;   /* as in struct ft_config */
};

/* ---- Off-CPU time (bpf/offcpu.bpf.c) ----
 * At every context switch the task leaving the CPU records when it left and its
 * user and kernel stacks in a per-task entry (ft_offcpu_tasks, keyed by tid);
 * when it runs again the blocked time is known. A block of at least
 * min_block_ns is added, in nanoseconds, to the counts keyed by
 * (pid, tid, user stack, kernel stack) (struct ft_stack_key, stacks stored by
 * content as in profile.bpf.c, double-buffered the same way); a shorter one only
 * to a counter, without a stack. */

struct ft_offcpu_config {
    __u32 target_tgid;    /* 0: every process */
    __u32 flags;          /* FT_FLAG_USER_STACKS, FT_FLAG_KERNEL_STACKS */
    __u64 min_block_ns;   /* shorter blocks are counted without a stack */
    __u32 exclude_tgid;   /* as in struct ft_config */
    __u32 reserved;
};

/* How many user frames (frame pointer and return address) the switch-out
 * compares with the last capture before it walks the user stack again. */
#define FT_OFFCPU_USER_KEY_FRAMES 3

/* A task's entry, written at switch-out and read at switch-in. Kept while the
 * task lives (deleted at its last switch, TASK_DEAD), so a thread allocates it
 * once.
 *
 * The user stack is walked at switch-out (only then is the task's memory the
 * current one); the kernel stack is read at switch-in, and only for a long
 * block (bpf_get_task_stack: the task has not run since, so its kernel stack
 * is the one it blocked in). A switch-out at the same place as the last one
 * (same user ip, sp and first frames: user_key) keeps the stack walked then. */
struct ft_offcpu_task {
    __u64 start_ns;       /* bpf_ktime_get_ns() at switch-out; 0: on a CPU or runnable since before */
    __u32 pid;
    __u32 tid;
    __s32 user_bytes;     /* bytes of user_ips bpf_get_stack filled, or a negative errno */
    __s32 kern_bytes;     /* bytes of kern_ips filled at the last long block's switch-in */
    char comm[FT_COMM_LEN]; /* written by the end-of-session iterator (ft_blocked_stacks) */
    /* ip, sp, then (frame pointer, return address) of the first frames; 0 past a failed read */
    __u64 user_key[2 + 2 * FT_OFFCPU_USER_KEY_FRAMES];
    __u64 user_ips[FT_MAX_STACK_DEPTH];
    __u64 kern_ips[FT_MAX_STACK_DEPTH];
};

/* user_stack of a block that began before the session (no switch-out seen):
 * counted from the session's start, under a marker frame; its kernel stack is
 * the blocked task's, read with bpf_get_task_stack at wake-up. */
#define FT_OFFCPU_BLOCKED_BEFORE_START (-1048576)

/* Counters of the off-CPU program (a per-CPU array). Every target block ends in
 * exactly one of BLOCKS / SHORT_BLOCKS / COUNTS_FULL. */
enum ft_offcpu_counter {
    FT_OFFCPU_SWITCHES = 0,        /* program invocations (every switch on the host) */
    FT_OFFCPU_SWITCH_OUTS,         /* target tasks leaving a CPU, recorded */
    FT_OFFCPU_TASKS_FULL,          /* no room for a task entry: that block is not timed */
    FT_OFFCPU_BLOCKS,              /* blocks counted with stacks (>= min_block_ns) */
    FT_OFFCPU_BLOCK_NS,            /* their nanoseconds */
    FT_OFFCPU_SHORT_BLOCKS,        /* blocks shorter than min_block_ns: no stack */
    FT_OFFCPU_SHORT_NS,            /* their nanoseconds */
    FT_OFFCPU_BEFORE_START,        /* blocks that began before the session (counted from its start) */
    FT_OFFCPU_COUNTS_FULL,         /* counts map full: the block is lost */
    FT_OFFCPU_LOST_NS,             /* its nanoseconds */
    FT_OFFCPU_USTACK_MAP_FULL,     /* stacks map full: the block is counted without that stack */
    FT_OFFCPU_KSTACK_MAP_FULL,
    FT_OFFCPU_USTACK_EFAULT,       /* no user stack (kernel thread, or unreadable) */
    FT_OFFCPU_USTACK_OTHER,
    FT_OFFCPU_KSTACK_EFAULT,
    FT_OFFCPU_KSTACK_OTHER,
    FT_OFFCPU_USTACK_REUSED,       /* switch-outs at the place of the last one: its user stack kept */
    FT_OFFCPU_SWITCH_OUT_MISSED,   /* a wake-up with no switch-out seen since the last: block not timed */
    FT_OFFCPU_COUNTER_COUNT
};

struct ft_offcpu_counters {
    __u64 values[FT_OFFCPU_COUNTER_COUNT];
};

#endif
