/* One identical loop body for every leaf, so iteration counts set the CPU split. */
#ifndef GT_LEAF_H
#define GT_LEAF_H
#define GT_UNIT 200000L
#define GT_LEAF(name)                                        \
    __attribute__((noinline)) void name(long units)          \
    {                                                        \
        volatile long sink = 0;                              \
        for (long i = 0; i < units * GT_UNIT; i++)           \
            sink += i;                                       \
    }
#endif
