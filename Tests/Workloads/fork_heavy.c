/* A process that forks constantly: each child burns ~0.3 ms and exits, the parent
 * does ~0.1 ms of work and waits for it. Per-thread sampling events miss most of
 * such a process's own CPU time; per-CPU ones do not.
 * Prints "ready" once running; runs until killed. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

__attribute__((noinline)) void child_work(void)
{
    volatile long sink = 0;
    for (long i = 0; i < 300000; i++)
        sink += i;
}

__attribute__((noinline)) void parent_work(void)
{
    volatile long sink = 0;
    for (long i = 0; i < 100000; i++)
        sink += i;
}

int main(void)
{
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        pid_t child = fork();
        if (child == 0) {
            child_work();
            _exit(0);
        }
        parent_work();
        if (child > 0)
            waitpid(child, NULL, 0);
    }
}
