import Symbolization

/// Counters of what happened to samples, summed over the session. Losses are the
/// counters a user must see when they are not zero.
public struct SamplingStatistics: Sendable, Equatable {
    /// Samples counted into a stack (what the profile holds).
    public var samplesCounted: UInt64 = 0
    /// Samples lost because the counts map was full.
    public var droppedMapFull: UInt64 = 0
    /// Samples of other processes discarded by the PID filter (per-CPU events).
    public var filtered: UInt64 = 0
    /// Samples of the idle task, not profiled.
    public var idle: UInt64 = 0

    /// Failed user-stack captures by cause. `userStackUnavailable` excludes kernel
    /// threads, which have no user stack.
    public var userStackMapFull: UInt64 = 0
    public var userStackUnavailable: UInt64 = 0
    public var userStackOtherErrors: UInt64 = 0
    /// Failed kernel-stack captures by cause (only samples taken in kernel mode try).
    public var kernelStackMapFull: UInt64 = 0
    public var kernelStackUnavailable: UInt64 = 0
    public var kernelStackOtherErrors: UInt64 = 0
    /// Counts whose stack was gone from the stacks map when drained.
    public var stacksMissingAtDrain: UInt64 = 0

    /// DWARF mode: samples lost because the ring buffer was full (slow consumer).
    public var droppedRingFull: UInt64 = 0
    /// DWARF mode: unwinds that stopped before the outermost frame, by reason.
    public var unwindStackCopyTooSmall: UInt64 = 0
    public var unwindNoCFI: UInt64 = 0
    public var unwindUnmapped: UInt64 = 0
    public var unwindDepthLimit: UInt64 = 0

    /// Frame-pointer mode: samples with a user stack, and those whose stack reached
    /// no thread entry (`main`, `start_thread`, …): the walk broke in frameless code.
    public var framePointerStacks: UInt64 = 0
    public var framePointerStacksIncomplete: UInt64 = 0

    /// Drains done, and the time the last one took.
    public var drains: UInt64 = 0
    public var lastDrainMicroseconds: UInt64 = 0

    public init() {}

    /// Every loss counter by a user-facing name, in a stable order, zeros included.
    public var losses: [(name: String, count: UInt64)] {
        [
            ("samples dropped: counts map full (raise --max-stacks)", droppedMapFull),
            ("user stack map full (raise --stack-map-size)", userStackMapFull),
            ("user stack unreadable", userStackUnavailable),
            ("user stack other errors", userStackOtherErrors),
            ("kernel stack map full (raise --stack-map-size)", kernelStackMapFull),
            ("kernel stack unreadable", kernelStackUnavailable),
            ("kernel stack other errors", kernelStackOtherErrors),
            ("stacks missing at drain", stacksMissingAtDrain),
            ("samples dropped: ring buffer full (slow consumer)", droppedRingFull),
            ("unwind stopped: stack copy too small (raise --stack-copy)", unwindStackCopyTooSmall),
            ("unwind stopped: no CFI", unwindNoCFI),
            ("unwind stopped: unmapped address", unwindUnmapped),
            ("unwind stopped: depth limit", unwindDepthLimit),
        ]
    }

    /// The loss counters that are not zero.
    public var nonZeroLosses: [(name: String, count: UInt64)] { losses.filter { $0.count > 0 } }
    public var totalLost: UInt64 { droppedMapFull + stacksMissingAtDrain + droppedRingFull }
}

extension SamplingStatistics {
    mutating func countUnwindStop(_ stop: UnwindStop, count: UInt64) {
        switch stop {
        case .complete: break
        case .stackCopyTooSmall: unwindStackCopyTooSmall += count
        case .noCFI: unwindNoCFI += count
        case .unmapped: unwindUnmapped += count
        case .depthLimit: unwindDepthLimit += count
        }
    }
}
