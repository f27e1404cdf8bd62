/* The ground truth's call tree (ground_truth.c) with its leaf split chosen at build time,
 * for `flametop diff`: two builds whose shares differ by design.
 *
 *   main → run → alpha                     ALPHA_UNITS
 *   main → run → dispatch → beta           BETA_UNITS
 *   main → run → dispatch → deep → omega   OMEGA_UNITS
 *
 * Defaults 5/3/2 give 50/30/20; -DALPHA_UNITS=3 -DBETA_UNITS=5 gives 30/50/20. Build with
 * the ground truth's flags (-falign-functions=64, see GroundTruthWorkload.swift).
 * Usage: gt_shares [seconds]; prints "ready" once running. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "gt_leaf.h"

#ifndef ALPHA_UNITS
#define ALPHA_UNITS 5
#endif
#ifndef BETA_UNITS
#define BETA_UNITS 3
#endif
#ifndef OMEGA_UNITS
#define OMEGA_UNITS 2
#endif

GT_LEAF(alpha)
GT_LEAF(beta)
GT_LEAF(omega)

__attribute__((noinline)) void deep(long units)
{
    volatile int frame = 0;
    (void)frame;
    omega(units);
}

__attribute__((noinline)) void dispatch(int which, long units)
{
    volatile int frame = 0;
    (void)frame;
    if (which == 1)
        beta(units);
    else
        deep(units);
}

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

__attribute__((noinline)) long run(double seconds)
{
    volatile int frame = 0;
    (void)frame;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    long rounds = 0;
    for (;;) {
        alpha(ALPHA_UNITS);
        dispatch(1, BETA_UNITS);
        dispatch(2, OMEGA_UNITS);
        rounds++;
        if (seconds > 0 && seconds_since(&start) >= seconds)
            return rounds;
    }
}

int main(int argc, char **argv)
{
    printf("ready\n");
    fflush(stdout);
    long rounds = run(argc > 1 ? atof(argv[1]) : 0);
    printf("rounds %ld\n", rounds);
    return 0;
}
