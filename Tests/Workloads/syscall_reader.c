/* A workload that spends its time in the kernel: read(2) from /dev/zero. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static char buffer[1 << 20];

__attribute__((noinline)) void read_zeros(int fd)
{
    volatile int frame = 0;
    (void)frame;
    for (int i = 0; i < 64; i++)
        if (read(fd, buffer, sizeof buffer) < 0)
            return;
}

int main(void)
{
    int fd = open("/dev/zero", O_RDONLY);
    printf("ready\n");
    fflush(stdout);
    for (;;)
        read_zeros(fd);
}
