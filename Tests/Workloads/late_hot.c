/* A process that idles, then turns hot: it sleeps for argv[1] seconds (default 3),
 * then burns the CPU in `late_hot_spin` for ever. For the service's trigger test:
 * a rule must not fire while it idles, and must once it has been hot long enough.
 * Prints "ready" at once, "hot" when it starts burning. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "gt_leaf.h"

GT_LEAF(late_hot_spin)

int main(int argc, char **argv)
{
    double delay = argc > 1 ? atof(argv[1]) : 3;
    printf("ready\n");
    fflush(stdout);
    struct timespec idle = {(time_t)delay, (long)((delay - (time_t)delay) * 1e9)};
    while (nanosleep(&idle, &idle) != 0)
        ;
    printf("hot\n");
    fflush(stdout);
    for (;;)
        late_hot_spin(1);
}
