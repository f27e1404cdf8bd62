import Glibc
import Sampling

/// flametop's own CPU% and memory, measured like any process in the list.
struct SelfUsageMeter {
    private var table = ProcessTable()
    private var previous: (ticks: UInt64, time: Double)?
    private let ticksPerSecond = Double(max(1, sysconf(Int32(_SC_CLK_TCK))))

    mutating func measure(now: Double) -> ProfileScreen.SelfUsage? {
        guard let entry = table.read(pid: getpid()) else { return nil }
        defer { previous = (entry.cpuTicks, now) }
        guard let previous, now > previous.time else { return nil }
        let seconds = Double(entry.cpuTicks &- previous.ticks) / ticksPerSecond
        return ProfileScreen.SelfUsage(cpuPercent: seconds / (now - previous.time) * 100,
                                       residentBytes: entry.residentBytes)
    }
}
