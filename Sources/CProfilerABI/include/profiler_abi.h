/* The contract between bpf/profile.bpf.c and the Swift side (Sources/Sampling).
 * Both compile this header: clang -target bpf for the kernel program, the Swift
 * importer for user space. A test (ABILayoutTests) checks the layout Swift sees
 * against the BTF that clang wrote into the BPF object. */
#ifndef FLAMETOP_PROFILER_ABI_H
#define FLAMETOP_PROFILER_ABI_H

#include <linux/types.h>

#define FT_COMM_LEN 16
/* bpf_get_stackid stores at most this many frames per stack (the kernel's
 * sysctl kernel.perf_event_max_stack defaults to 127). */
#define FT_MAX_STACK_DEPTH 127

/* One aggregation bucket: samples of the same thread with the same stacks. */
struct ft_stack_key {
    __u32 pid;            /* tgid: the process */
    __u32 tid;            /* the thread */
    __s32 user_stack_id;  /* id in the stack map, or a negative errno */
    __s32 kern_stack_id;  /* likewise for the kernel stack */
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
    FT_USTACK_EEXIST,             /* stack map bucket collision */
    FT_USTACK_ENOMEM,             /* stack map full */
    FT_USTACK_EFAULT,             /* no user stack: kernel thread, or unreadable */
    FT_USTACK_OTHER,
    FT_KSTACK_EEXIST,
    FT_KSTACK_ENOMEM,
    FT_KSTACK_EFAULT,             /* kernel stack unreadable (kernel mode only) */
    FT_KSTACK_OTHER,
    FT_COUNTER_COUNT
};

/* kern_stack_id when the sample interrupted user mode: there is no kernel stack
 * to capture, so the program does not try (not a loss). */
#define FT_STACK_NOT_CAPTURED (-2) /* -ENOENT */

/* The per-CPU value of the counters map: every counter of one CPU. */
struct ft_counters {
    __u64 values[FT_COUNTER_COUNT];
};

/* Settings frozen into the program's read-only data before load. */
struct ft_config {
    __u32 target_tgid;    /* 0: every process */
    __u32 flags;          /* FT_FLAG_* */
};

#define FT_FLAG_USER_STACKS   (1u << 0)
#define FT_FLAG_KERNEL_STACKS (1u << 1)

/* Double buffering: the program writes to buffer `ft_active_buffer` (.bss),
 * user space flips it and drains the other one. */
#define FT_BUFFER_COUNT 2

#endif
