/* SPDX-License-Identifier: GPL-2.0 */
/* Stacks stored by content, as bpf/profile.bpf.c and bpf/offcpu.bpf.c both keep them: one
 * hash, so a stack has the same key whichever program stored it, and the double-buffered
 * counts and stacks maps user space drains (SamplerMaps) with the same layout in both. */
#ifndef FT_STACKS_BPF_H
#define FT_STACKS_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "profiler_abi.h"

/* max_entries of these four maps are set at run time from the session. */
#define COUNTS_MAP(name)                                  \
    struct {                                              \
        __uint(type, BPF_MAP_TYPE_HASH);                  \
        __uint(max_entries, 10240);                       \
        __type(key, struct ft_stack_key);                 \
        __type(value, __u64);                             \
    } name SEC(".maps")
#define STACKS_MAP(name)                                  \
    struct {                                              \
        __uint(type, BPF_MAP_TYPE_HASH);                  \
        __uint(max_entries, 16384);                       \
        __type(key, __s64);                               \
        __type(value, struct ft_stack);                   \
    } name SEC(".maps")

/* A 64-bit multiply-xorshift hash of the first `words` addresses, seeded with
 * the depth. A bounded loop (Linux 5.3+): only the captured frames are hashed,
 * where an unrolled loop would have to mix all 127 slots every sample. The top
 * bit is cleared: a negative stack field carries an errno instead.
 *
 * A global function: the verifier checks it once, not at every call site
 * (7,131 instructions for the frame-pointer program inlined, 2,180 not). */
__noinline __s64 ft_hash_stack(const struct ft_stack *stack, __u32 words)
{
    if (!stack)
        return 0;
    __u64 hash = 0x9e3779b97f4a7c15ULL ^ words;
    for (int i = 0; i < FT_MAX_STACK_DEPTH; i++) {
        if (i >= words)
            break;
        hash = (hash ^ stack->ips[i]) * 0xff51afd7ed558ccdULL;
        hash ^= hash >> 32;
    }
    return (__s64)(hash & 0x7fffffffffffffffULL);
}

#endif
