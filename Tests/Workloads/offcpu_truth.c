/* Off-CPU ground truth (x86-64 Linux): blocking with known stacks, and the
 * truth measured by the workload itself.
 *
 *   offcpu_truth cycle   a "worker" thread loops: phase_burn (~2 ms on the CPU),
 *                        phase_sleep (nanosleep 5 ms), phase_pipe (asks the
 *                        "waker" thread for a byte and waits ~3 ms for it on a
 *                        pipe). The waker loops: waker_wait (blocked reading the
 *                        request pipe), waker_sleep (nanosleep 3 ms), then writes.
 *                        Each SIGUSR1 prints one line of cumulative truth:
 *                        `truth <phase>=<wall ns>/<cpu ns> ...` (thread CPU time), so
 *                        a test takes the difference over its recording window:
 *                        off-CPU time of a phase = wall − CPU.
 *   offcpu_truth short   "quick" thread: nanosleep 200 µs in a loop (phase_short);
 *                        "slow" thread: nanosleep 10 ms in a loop (phase_long).
 *   offcpu_truth exit MS main waits for SIGUSR1 in sigwait, then a "reader" thread
 *                        blocks for good reading a pipe (phase_blocked_read) and
 *                        main exits the process MS ms later.
 *
 * Every blocking call is a raw `syscall` instruction inside the phase function:
 * libc's syscall wrappers have no frame pointers, and a frame-pointer walk from
 * inside one skips its caller. Built with -fno-omit-frame-pointer
 * -mno-omit-leaf-frame-pointer, so each phase function keeps its frame.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

static inline __attribute__((always_inline)) long raw3(long n, long a, long b, long c)
{
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return ret;
}

static inline __attribute__((always_inline)) uint64_t clock_ns(clockid_t clock)
{
    struct timespec now;
    raw3(SYS_clock_gettime, clock, (long)&now, 0);
    return (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
}

static inline __attribute__((always_inline)) void raw_sleep_ns(long ns)
{
    struct timespec request = {ns / 1000000000L, ns % 1000000000L};
    while (raw3(SYS_nanosleep, (long)&request, (long)&request, 0) != 0) {}
}

enum phase { BURN, SLEEP, PIPE, WAKER_WAIT, WAKER_SLEEP, PHASES };
static const char *phase_names[PHASES] = {"phase_burn", "phase_sleep", "phase_pipe", "waker_wait", "waker_sleep"};
static uint64_t wall_ns[PHASES], cpu_ns[PHASES];

struct mark { uint64_t wall, cpu; };
static struct mark mark_now(void)
{
    struct mark m = {clock_ns(CLOCK_MONOTONIC), clock_ns(CLOCK_THREAD_CPUTIME_ID)};
    return m;
}
static void account(enum phase p, struct mark start)
{
    struct mark end = mark_now();
    __atomic_add_fetch(&wall_ns[p], end.wall - start.wall, __ATOMIC_RELAXED);
    __atomic_add_fetch(&cpu_ns[p], end.cpu - start.cpu, __ATOMIC_RELAXED);
}

static int request_pipe[2], reply_pipe[2];
volatile uint64_t sink;

__attribute__((noinline)) void phase_burn(void)
{
    volatile int frame = 0;
    uint64_t until = clock_ns(CLOCK_MONOTONIC) + 2000000;
    do {
        for (int i = 0; i < 20000; i++) sink = sink * 31 + (uint64_t)i + (uint64_t)frame;
    } while (clock_ns(CLOCK_MONOTONIC) < until);
}

__attribute__((noinline)) void phase_sleep(void)
{
    volatile int frame = 0;
    (void)frame;
    raw_sleep_ns(5000000);
}

__attribute__((noinline)) void phase_pipe(void)
{
    volatile int frame = 0;
    char byte = 'r';
    (void)frame;
    raw3(SYS_write, request_pipe[1], (long)&byte, 1);
    raw3(SYS_read, reply_pipe[0], (long)&byte, 1);
}

__attribute__((noinline)) void waker_wait(void)
{
    volatile int frame = 0;
    char byte;
    (void)frame;
    raw3(SYS_read, request_pipe[0], (long)&byte, 1);
}

__attribute__((noinline)) void waker_sleep(void)
{
    volatile int frame = 0;
    (void)frame;
    raw_sleep_ns(3000000);
}

static void *worker(void *unused)
{
    (void)unused;
    for (;;) {
        struct mark m = mark_now();
        phase_burn();
        account(BURN, m);
        m = mark_now();
        phase_sleep();
        account(SLEEP, m);
        m = mark_now();
        phase_pipe();
        account(PIPE, m);
    }
    return NULL;
}

static void *waker(void *unused)
{
    (void)unused;
    for (;;) {
        struct mark m = mark_now();
        waker_wait();
        account(WAKER_WAIT, m);
        m = mark_now();
        waker_sleep();
        char byte = 'w';
        raw3(SYS_write, reply_pipe[1], (long)&byte, 1);
        account(WAKER_SLEEP, m);
    }
    return NULL;
}

__attribute__((noinline)) void phase_short(void)
{
    volatile int frame = 0;
    (void)frame;
    raw_sleep_ns(200000);
}

__attribute__((noinline)) void phase_long(void)
{
    volatile int frame = 0;
    (void)frame;
    raw_sleep_ns(10000000);
}

static void *quick(void *unused)
{
    (void)unused;
    for (;;) phase_short();
    return NULL;
}

static void *slow(void *unused)
{
    (void)unused;
    for (;;) phase_long();
    return NULL;
}

__attribute__((noinline)) void phase_blocked_read(void)
{
    volatile int frame = 0;
    char byte;
    (void)frame;
    raw3(SYS_read, request_pipe[0], (long)&byte, 1); /* nobody writes: blocked until the exit */
}

static void *reader(void *unused)
{
    (void)unused;
    phase_blocked_read();
    return NULL;
}

static void start(const char *name, void *(*body)(void *))
{
    pthread_t thread;
    if (pthread_create(&thread, NULL, body, NULL) != 0) { perror("pthread_create"); exit(1); }
    pthread_setname_np(thread, name);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "cycle";
    if (pipe(request_pipe) != 0 || pipe(reply_pipe) != 0) { perror("pipe"); return 1; }
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &signals, NULL); /* threads inherit the mask: main takes SIGUSR1 */

    if (strcmp(mode, "short") == 0) {
        start("quick", quick);
        start("slow", slow);
    } else if (strcmp(mode, "exit") == 0) {
        /* Blocks in sigwait until SIGUSR1 (a block that began before the session),
         * then the reader blocks for good and the process exits MS ms later. */
        printf("ready\n");
        fflush(stdout);
        int signal;
        while (sigwait(&signals, &signal) != 0) {}
        start("reader", reader);
        raw_sleep_ns((argc > 2 ? atol(argv[2]) : 1000) * 1000000L);
        exit(0);
    } else {
        start("worker", worker);
        start("waker", waker);
    }
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        int signal;
        if (sigwait(&signals, &signal) != 0) continue;
        printf("truth");
        for (int p = 0; p < PHASES; p++)
            printf(" %s=%llu/%llu", phase_names[p],
                   (unsigned long long)__atomic_load_n(&wall_ns[p], __ATOMIC_RELAXED),
                   (unsigned long long)__atomic_load_n(&cpu_ns[p], __ATOMIC_RELAXED));
        printf("\n");
        fflush(stdout);
    }
}
