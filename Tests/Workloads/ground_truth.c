/* flametop's ground-truth workload: a known call tree with a known CPU split.
 *
 *   main → run → alpha                    50%
 *   main → run → dispatch → beta          30%
 *   main → run → dispatch → deep → omega  20%
 *
 * The split is by iteration counts of one identical loop body (build with
 * -falign-functions=64 so every leaf's loop has the same alignment). The hot loops
 * call no libc. Every function keeps a volatile local so it has a frame: GCC 12
 * gives a leaf that needs no stack slot no frame even with
 * -fno-omit-frame-pointer, and a frame-pointer walk then skips the leaf's caller.
 *
 * Built with -DGT_SHARED_LEAVES the leaves are lib_alpha/lib_beta/lib_omega
 * in libgt.so (gt_leaves.c).
 *
 * Usage: ground_truth [seconds]   run that long (default: until killed), then
 * print "rounds N" (the bench's throughput). SIGUSR1 starts a thread running
 * late_worker → late_leaf (a thread created after profiling began).
 * Prints "ready" once running. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "gt_leaf.h"

#ifdef GT_SHARED_LEAVES
void lib_alpha(long units);
void lib_beta(long units);
void lib_omega(long units);
#define ALPHA lib_alpha
#define BETA lib_beta
#define OMEGA lib_omega
#else
GT_LEAF(alpha)
GT_LEAF(beta)
GT_LEAF(omega)
#define ALPHA alpha
#define BETA beta
#define OMEGA omega
#endif
GT_LEAF(late_leaf)

static volatile sig_atomic_t start_thread;
static void on_usr1(int sig) { (void)sig; start_thread = 1; }

__attribute__((noinline)) void deep(long units)
{
    volatile int frame = 0;
    (void)frame;
    OMEGA(units);
}

__attribute__((noinline)) void dispatch(int which, long units)
{
    volatile int frame = 0;
    (void)frame;
    if (which == 1)
        BETA(units);
    else
        deep(units);
}

__attribute__((noinline)) void *late_worker(void *arg)
{
    volatile int frame = 0;
    (void)frame;
    (void)arg;
    for (;;)
        late_leaf(1);
    return 0;
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
    pthread_t thread;
    long rounds = 0;
    for (;;) {
        ALPHA(5);
        dispatch(1, 3);
        dispatch(2, 2);
        rounds++;
        if (start_thread) {
            start_thread = 0;
            pthread_create(&thread, 0, late_worker, 0);
        }
        if (seconds > 0 && seconds_since(&start) >= seconds)
            return rounds;
    }
}

int main(int argc, char **argv)
{
    /* A parent may have left SIGUSR1 blocked (test runners do): unblock it. */
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &usr1, 0);
    signal(SIGUSR1, on_usr1);
    printf("ready\n");
    fflush(stdout);
    long rounds = run(argc > 1 ? atof(argv[1]) : 0);
    printf("rounds %ld\n", rounds);
    return 0;
}
