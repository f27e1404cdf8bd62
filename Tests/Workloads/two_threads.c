/* Two threads that run different functions: the main thread `main_work`, a thread
 * named "worker_thd" `worker_work`, each burning its own CPU. Prints the worker's
 * TID and then "ready"; runs until killed. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "gt_leaf.h"

GT_LEAF(main_work)
GT_LEAF(worker_work)

static volatile int worker_tid = 0;

static void *worker(void *argument)
{
    (void)argument;
    worker_tid = (int)syscall(SYS_gettid);
    for (;;)
        worker_work(1);
    return NULL;
}

int main(void)
{
    pthread_t thread;
    pthread_create(&thread, NULL, worker, NULL);
    pthread_setname_np(thread, "worker_thd");
    while (worker_tid == 0)
        main_work(1);
    printf("worker %d\nready\n", worker_tid);
    fflush(stdout);
    for (;;)
        main_work(1);
}
