/* A process that changes what it does halfway: `first_half` burns the CPU until
 * SIGUSR1 arrives, `second_half` after it. The test sends the signal, so it knows
 * which seconds of a profile hold which function.
 * Prints "ready" once running, "switched" after the signal. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include "gt_leaf.h"

static volatile sig_atomic_t switched = 0;

static void on_usr1(int signal)
{
    (void)signal;
    switched = 1;
}

GT_LEAF(first_half)
GT_LEAF(second_half)

int main(void)
{
    /* The spawning test runner may block or ignore signals; this one must arrive. */
    struct sigaction action = {0};
    action.sa_handler = on_usr1;
    sigaction(SIGUSR1, &action, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    printf("ready\n");
    fflush(stdout);
    while (!switched)
        first_half(1);
    printf("switched\n");
    fflush(stdout);
    for (;;)
        second_half(1);
}
