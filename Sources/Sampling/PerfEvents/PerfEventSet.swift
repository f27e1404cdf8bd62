import CLibbpf
import FoundationEssentials
import Glibc

/// The cpu-clock sampling events the BPF program hangs off: one per CPU, or one
/// per thread of the target with `inherit` so threads started later are covered.
///
/// cpu-clock is a software event: this VM (like many clouds) has no hardware PMU.
final class PerfEventSet {
    private(set) var descriptors: [Int32] = []

    deinit { closeAll() }

    /// One event per online CPU (system-wide, or filtered by the BPF program).
    func openPerCPU(frequency: Int) throws(SamplingError) {
        for cpu in OnlineCPUs.list() {
            try open(pid: -1, cpu: cpu, frequency: frequency, inherit: false,
                     what: "perf_event_open(cpu-clock, cpu \(cpu))")
        }
    }

    /// One event per existing thread of `pid`, each inherited by threads and children
    /// it creates. Threads that appear while we attach are picked up by re-listing
    /// until the list is stable.
    func openPerTask(pid: Int32, frequency: Int) throws(SamplingError) {
        var attached = Set<Int32>()
        while true {
            let threads = ThreadList.threads(of: pid)
            let fresh = threads.subtracting(attached)
            if fresh.isEmpty { break }
            for tid in fresh.sorted() {
                do {
                    try open(pid: tid, cpu: -1, frequency: frequency, inherit: true,
                             what: "perf_event_open(cpu-clock, thread \(tid))")
                } catch where error.errno == ESRCH {
                    // The thread exited between listing and opening: nothing to sample.
                }
                attached.insert(tid)
            }
        }
        if descriptors.isEmpty {
            throw SamplingError(.noSuchProcess, operation: "attach to process \(pid)", errno: ESRCH,
                                hint: "the process exited before sampling started")
        }
    }

    private func open(pid: Int32, cpu: Int32, frequency: Int, inherit: Bool, what: String) throws(SamplingError) {
        var attr = perf_event_attr()
        attr.type = UInt32(PERF_TYPE_SOFTWARE.rawValue)
        attr.size = UInt32(MemoryLayout<perf_event_attr>.size)
        attr.config = UInt64(PERF_COUNT_SW_CPU_CLOCK.rawValue)
        attr.sample_freq = UInt64(frequency)
        attr.freq = 1
        attr.inherit = inherit ? 1 : 0
        attr.disabled = 1 // enabled once the program is attached
        let fd = ft_perf_event_open(&attr, pid, cpu, -1, UInt(PERF_FLAG_FD_CLOEXEC))
        guard fd >= 0 else {
            let code = errno
            let hint: String
            switch code {
            case EACCES, EPERM:
                hint = "perf events need root or CAP_PERFMON (kernel.perf_event_paranoid is \(Sysctl.perfEventParanoid().map(String.init) ?? "unknown"))"
            case ENOENT, ENODEV, EOPNOTSUPP:
                hint = "this kernel does not offer the cpu-clock software event (CONFIG_PERF_EVENTS)"
            case ENOSYS:
                hint = "this kernel has no perf_event_open (CONFIG_PERF_EVENTS=n)"
            case EMFILE:
                hint = "too many open files: raise `ulimit -n` (one event per thread or CPU)"
            default:
                hint = ""
            }
            var error = SamplingError.system(what, errno: code, hint: hint)
            if code == ENOSYS || code == ENOENT || code == ENODEV || code == EOPNOTSUPP { error.kind = .perfEventsUnavailable }
            throw error
        }
        descriptors.append(fd)
    }

    func enableAll() throws(SamplingError) {
        for fd in descriptors where ft_perf_event_enable(fd) != 0 {
            throw .system("ioctl(PERF_EVENT_IOC_ENABLE)", errno: errno)
        }
    }

    func disableAll() {
        for fd in descriptors { _ = ft_perf_event_disable(fd) }
    }

    func closeAll() {
        for fd in descriptors { close(fd) }
        descriptors.removeAll()
    }
}
