/// One process's part of the rewind history, taken out of a `RawHistoryRing`: its raw
/// counts per drain, the stacks they name (unsymbolized) and its threads' names. A
/// session started for the process turns it into the low-rate seconds before its own
/// (`ProfilingSession(settings:symbolizer:seed:)`), symbolizing on its own thread
/// while the process still runs, so its maps are still the ones sampled.
public struct HistorySeed: Sendable {
    /// One count: a thread's samples with the same stacks. `user` and `kernel` are ids
    /// into `userStacks` and `kernelStacks` (≥ 0), or the BPF program's negative code
    /// for a stack that was not captured.
    public struct Count: Sendable, Hashable {
        public var tid: Int32
        public var user: Int32
        public var kernel: Int32
        public var count: UInt64
    }

    /// What one drain of the history's sampler held for the process.
    public struct Drain: Sendable {
        /// The middle of the interval the drain covered, in `HistoryClock` seconds.
        public var time: Double
        public var counts: [Count]
    }

    public let pid: Int32
    /// The process's command name when it was sampled.
    public let comm: String
    /// The rate the history sampled at (samples a second per CPU).
    public let hz: Int
    /// Oldest first.
    public internal(set) var drains: [Drain] = []
    public internal(set) var userStacks: [Int32: [UInt64]] = [:]
    public internal(set) var kernelStacks: [Int32: [UInt64]] = [:]
    public internal(set) var threadNames: [Int32: String] = [:]

    init(pid: Int32, comm: String, hz: Int) {
        self.pid = pid
        self.comm = comm
        self.hz = hz
    }

    public var samples: UInt64 {
        drains.reduce(0) { total, drain in drain.counts.reduce(total) { $0 + $1.count } }
    }

    /// The span of `HistoryClock` seconds the drains cover (their middles); nil when empty.
    public var times: ClosedRange<Double>? {
        guard let first = drains.first?.time, let last = drains.last?.time else { return nil }
        return first...last
    }
}
