/// One process's CPU usage over the interval since the watcher last saw it: what a
/// trigger rule is evaluated on.
public struct ProcessCPUSample: Sendable, Equatable {
    public var pid: Int32
    /// The process's start time in clock ticks since boot: tells a reused PID apart.
    public var startTicks: UInt64
    public var command: String
    /// The cgroup paths of /proc/PID/cgroup (one under cgroup v2); empty when not read.
    public var cgroups: [String]
    /// User + system time of all its threads over the interval, in percent of one CPU
    /// (as top shows it: 200 is two CPUs' worth).
    public var cpuPercent: Double
    /// Where the interval began: a process above its threshold counts as hot since then.
    public var measuredSince: ContinuousClock.Instant

    public init(pid: Int32, startTicks: UInt64 = 0, command: String, cgroups: [String] = [], cpuPercent: Double,
                measuredSince: ContinuousClock.Instant) {
        self.pid = pid
        self.startTicks = startTicks
        self.command = command
        self.cgroups = cgroups
        self.cpuPercent = cpuPercent
        self.measuredSince = measuredSince
    }
}
