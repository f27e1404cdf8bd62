/* A context-switch-heavy workload for scripts/bench-offcpu.sh: two threads pass a
 * byte back and forth over two pipes, each doing WORK iterations of arithmetic
 * per message, for SECONDS seconds. Every message blocks the receiver in
 * pipe_read and wakes it: two voluntary switches a round trip per thread.
 * Prints "ready", then "tick SECONDS ROUNDS" about once a second (so a benchmark
 * can leave out a profiler's start-up), and "rounds N switches_per_s S" at the
 * end (throughput, and the switches it caused, from getrusage).
 *
 *   ctx_switch SECONDS [WORK]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static int ping[2], pong[2];
static long work = 2000;
static volatile int stop;
volatile uint64_t sink;

static void spin(void)
{
    for (long i = 0; i < work; i++) sink = sink * 33 + (uint64_t)i;
}

static void *echo(void *unused)
{
    (void)unused;
    char byte;
    while (read(ping[0], &byte, 1) == 1) {
        spin();
        if (write(pong[1], &byte, 1) != 1) break;
    }
    return NULL;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 5;
    if (argc > 2) work = atol(argv[2]);
    if (pipe(ping) != 0 || pipe(pong) != 0) { perror("pipe"); return 1; }
    pthread_t thread;
    pthread_create(&thread, NULL, echo, NULL);
    printf("ready\n");
    fflush(stdout);
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    double start = now(), end = start + seconds;
    unsigned long rounds = 0;
    char byte = 'x';
    double next_tick = start + 1;
    for (;;) {
        if ((rounds & 255) == 0) {
            double t = now();
            if (t >= end) break;
            if (t >= next_tick) {
                printf("tick %.3f %lu\n", t - start, rounds);
                fflush(stdout);
                next_tick += 1;
            }
        }
        spin();
        if (write(ping[1], &byte, 1) != 1 || read(pong[0], &byte, 1) != 1) break;
        rounds++;
    }
    double elapsed = now() - start;
    getrusage(RUSAGE_SELF, &after);
    long switches = (after.ru_nvcsw - before.ru_nvcsw) + (after.ru_nivcsw - before.ru_nivcsw);
    printf("rounds %lu switches_per_s %.0f\n", rounds, (double)switches / elapsed);
    return 0;
}
