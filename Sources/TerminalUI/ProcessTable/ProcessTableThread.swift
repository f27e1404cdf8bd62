/// One thread of an expanded process in the process list: its name (`comm`, which
/// a thread may set itself), state and CPU% since the previous scan.
public struct ProcessTableThread: Sendable, Equatable {
    public var tid: Int32
    public var name: String
    public var state: Character
    public var cpuTicks: UInt64
    public var cpuPercent: Double

    public init(tid: Int32, name: String, state: Character, cpuTicks: UInt64, cpuPercent: Double = 0) {
        self.tid = tid
        self.name = name
        self.state = state
        self.cpuTicks = cpuTicks
        self.cpuPercent = cpuPercent
    }
}
