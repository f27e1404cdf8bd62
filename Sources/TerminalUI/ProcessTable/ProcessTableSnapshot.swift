/// Every process at one scan, with the host figures the process list's header shows.
public struct ProcessTableSnapshot: Sendable {
    public var processes: [ProcessTableEntry]
    /// 1, 5 and 15 minute load averages.
    public var loadAverage: [Double]
    public var cpuCount: Int
    public var memoryTotalBytes: UInt64?
    /// Seconds since the previous scan the CPU percentages are measured over; nil on
    /// the first scan.
    public var interval: Double?
    /// The threads of the process the list expanded (busiest first), when one is.
    public var threads: (pid: Int32, threads: [ProcessTableThread])?

    public init(processes: [ProcessTableEntry], loadAverage: [Double], cpuCount: Int,
                memoryTotalBytes: UInt64?, interval: Double?) {
        self.processes = processes
        self.loadAverage = loadAverage
        self.cpuCount = cpuCount
        self.memoryTotalBytes = memoryTotalBytes
        self.interval = interval
    }

    public func process(pid: Int32) -> ProcessTableEntry? {
        processes.first { $0.pid == pid }
    }
}
