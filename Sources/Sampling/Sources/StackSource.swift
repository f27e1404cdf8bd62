import Profile

/// Where a session's stacks come from: a kernel-side collector and the user-space
/// side that turns what it collected into symbolic stacks. The frame-pointer and
/// DWARF sources read the on-CPU sampler; later sources (off-CPU switches, a
/// perf-ring fallback) plug in the same way. An in-memory source
/// (`EmbeddedStackSource`) stands in for the kernel in tests.
///
/// Every call comes from the session's thread.
protocol StackSource: AnyObject {
    /// Moves what was collected since the last drain into `output`, and sets this
    /// source's counters (cumulative since the start or the last reset) in
    /// `statistics`.
    func drain(into output: inout DrainOutput, statistics: inout SamplingStatistics,
               priority: DrainPriority) throws(SamplingError)
    /// Discards what was collected and restarts the counters from zero.
    func reset() throws(SamplingError)
    /// The process exited: drop what is kept for it.
    func forget(pid: Int32)
    /// Stops whatever runs on the source's behalf (a consumer thread).
    func close()
}

/// What one drain of every source produced.
struct DrainOutput {
    /// Stacks and counts new in this drain.
    var counts = StackCounts()
    /// Per process: frame-pointer stacks drained and those that reached no thread entry.
    var framePointer: [Int32: (stacks: UInt64, incomplete: UInt64)] = [:]
    /// Per process: DWARF samples drained and those stopped for a too-small copy.
    var dwarf: [Int32: (samples: UInt64, copyTooSmall: UInt64)] = [:]
}

/// Lets a drain serve processes that wait for their unwinding decision before
/// the rest: a first drain on a busy host can take seconds to symbolize large
/// binaries, and a process's decision should not wait for them.
struct DrainPriority {
    /// Whether a process's stacks go first.
    var first: (Int32) -> Bool = { _ in false }
    /// Called once those are in the output, before the rest is symbolized.
    var afterFirst: (inout DrainOutput) -> Void = { _ in }
    /// How long a drain may symbolize; what is left waits for the next drain.
    /// nil: everything (the final drain).
    var symbolizeFor: Duration? = nil

    static var none: DrainPriority { DrainPriority() }
}
