/* Workloads for DWARF unwinding, meant to be built with -O2 -fomit-frame-pointer
 * -fno-optimize-sibling-calls -fno-inline -g (no frame pointers anywhere, libc
 * included; no tail calls, so every caller keeps its frame).
 *
 *   unwind_shapes qsort      main → sort_forever → qsort (libc) → … → compare_slow
 *                            The comparator burns CPU, so most samples sit in it
 *                            and the stack must cross libc's frameless qsort.
 *   unwind_shapes deep N     main → descend ×N → deep_leaf, each descend frame
 *                            holding 512 bytes: deeper than any stack copy.
 *   unwind_shapes threads    two threads: worker_a → leaf_a, worker_b → leaf_b
 *                            (main waits in pthread_join).
 *
 * Prints "ready" once running; runs until killed. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile long sink;

__attribute__((noinline)) static void burn(long n)
{
    for (long i = 0; i < n; i++)
        sink += i;
}

__attribute__((noinline)) int compare_slow(const void *a, const void *b)
{
    burn(2000);
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

__attribute__((noinline)) void sort_forever(void)
{
    long values[256];
    for (;;) {
        for (int i = 0; i < 256; i++)
            values[i] = (i * 7919L) % 256;
        qsort(values, 256, sizeof(long), compare_slow);
    }
}

__attribute__((noinline)) void deep_leaf(void)
{
    for (;;)
        burn(1000000);
}

__attribute__((noinline)) void descend(int depth)
{
    volatile char pad[512];
    pad[0] = (char)depth;
    if (depth > 0)
        descend(depth - 1);
    else
        deep_leaf();
    sink += pad[0];
}

__attribute__((noinline)) void leaf_a(void) { for (;;) burn(1000000); }
__attribute__((noinline)) void leaf_b(void) { for (;;) burn(1000000); }
__attribute__((noinline)) void *worker_a(void *arg) { (void)arg; leaf_a(); return 0; }
__attribute__((noinline)) void *worker_b(void *arg) { (void)arg; leaf_b(); return 0; }

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "qsort";
    printf("ready\n");
    fflush(stdout);
    if (strcmp(mode, "deep") == 0) {
        descend(argc > 2 ? atoi(argv[2]) : 200);
    } else if (strcmp(mode, "threads") == 0) {
        pthread_t a, b;
        pthread_create(&a, 0, worker_a, 0);
        pthread_create(&b, 0, worker_b, 0);
        pthread_join(a, 0);
        pthread_join(b, 0);
    } else {
        sort_forever();
    }
    return 0;
}
