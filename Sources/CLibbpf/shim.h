#ifndef FLAMETOP_CLIBBPF_SHIM_H
#define FLAMETOP_CLIBBPF_SHIM_H
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <linux/perf_event.h>
#include <linux/bpf.h>
#include <sys/syscall.h>
#include <sys/ioctl.h>
#include <sys/eventfd.h>
#include <poll.h>
#include <unistd.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

/* perf_event_open has no libc wrapper. */
static inline int ft_perf_event_open(struct perf_event_attr *attr, int pid, int cpu,
                                     int group_fd, unsigned long flags)
{
    return (int)syscall(__NR_perf_event_open, attr, pid, cpu, group_fd, flags);
}

/* ioctl is variadic and the request macros are function-like. */
static inline int ft_perf_event_enable(int fd) { return ioctl(fd, PERF_EVENT_IOC_ENABLE, 0); }
static inline int ft_perf_event_disable(int fd) { return ioctl(fd, PERF_EVENT_IOC_DISABLE, 0); }
static inline int ft_perf_event_set_bpf(int fd, int prog_fd) { return ioctl(fd, PERF_EVENT_IOC_SET_BPF, prog_fd); }

/* pidfd_open (5.3) has no glibc 2.36 wrapper. */
static inline int ft_pidfd_open(int pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

/* libbpf prints through a va_list callback, which Swift cannot implement:
 * format here and hand Swift a finished line. */
typedef void (*ft_libbpf_line_fn)(int level, const char *line);
/* A function-local static: a file-scope one in a module header is never defined. */
static inline ft_libbpf_line_fn *ft_libbpf_line_sink_slot(void)
{
    static ft_libbpf_line_fn sink;
    return &sink;
}
static inline int ft_libbpf_print_trampoline(enum libbpf_print_level level, const char *fmt, va_list args)
{
    char line[1024];
    vsnprintf(line, sizeof line, fmt, args);
    ft_libbpf_line_fn sink = *ft_libbpf_line_sink_slot();
    if (sink)
        sink((int)level, line);
    return 0;
}
static inline void ft_libbpf_set_line_sink(ft_libbpf_line_fn sink)
{
    *ft_libbpf_line_sink_slot() = sink;
    libbpf_set_print(ft_libbpf_print_trampoline);
}
#endif
