/* A hot loop inside a function that is always inlined into its caller: samples land in
 * hot_c's code but belong to leaf_inlined's lines. Lines carrying a MARK comment are found
 * by the tests by their text. Prints "ready", then spins until killed. */
#include <stdio.h>

static volatile unsigned long sink;

static inline __attribute__((always_inline)) void leaf_inlined(unsigned long n) {
    for (unsigned long i = 0; i < n; i++) sink += i * 7; /* MARK:leaf_loop */
}

__attribute__((noinline)) void hot_c(unsigned long n) {
    volatile int frame = 0; /* a stack slot: GCC then keeps this leaf's frame pointer */
    leaf_inlined(n + (unsigned long)frame); /* MARK:hot_call */
}

__attribute__((noinline)) void run(void) {
    for (;;) {
        hot_c(100000); /* MARK:run_call */
        __asm__ volatile("" ::: "memory");
    }
}

int main(void) {
    printf("ready\n");
    fflush(stdout);
    run(); /* MARK:main_call */
    return 0;
}
