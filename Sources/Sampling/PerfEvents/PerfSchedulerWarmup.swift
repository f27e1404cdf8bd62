import CLibbpf
import FoundationEssentials
import Glibc
import PlatformSupport

/// Gets the kernel's slow step for per-thread perf events out of the way while the
/// process is still starting. The first such event on a system with none open waits
/// for an RCU grace period (the kernel switches on perf's scheduler hooks): 9–18 ms
/// measured on this 2-core VM, in the middle of the time to the first sample. One
/// throwaway event on this thread, opened and closed on a helper thread at launch,
/// takes that wait while the runtime starts and the arguments are parsed; the hooks
/// stay on for a second after the last event closes, long enough for the real ones.
public enum PerfSchedulerWarmup {
    /// Starts the warm-up in the background; failures are ignored (the real events
    /// report their own errors).
    public static func begin() {
        DedicatedThread.start(name: "flametop-perf-warmup") {
            var attr = perf_event_attr()
            attr.type = UInt32(PERF_TYPE_SOFTWARE.rawValue)
            attr.size = UInt32(MemoryLayout<perf_event_attr>.size)
            attr.config = UInt64(PERF_COUNT_SW_TASK_CLOCK.rawValue)
            attr.disabled = 1
            attr.exclude_kernel = 1
            attr.exclude_hv = 1
            // A counting event on this very thread: allowed at any perf_event_paranoid below 3.
            let fd = ft_perf_event_open(&attr, 0, -1, -1, UInt(PERF_FLAG_FD_CLOEXEC))
            if fd >= 0 { close(fd) }
        }
    }
}
