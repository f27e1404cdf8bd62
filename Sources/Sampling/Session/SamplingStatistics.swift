import Symbolization

/// Counters of what happened to samples, summed over the session. Losses are the
/// counters a user must see when they are not zero; their words are chosen by
/// the CLI, the TUI and the service (`SampleLoss`).
public struct SamplingStatistics: Sendable, Equatable {
    /// Samples counted into a stack (what the profile holds): frame-pointer plus DWARF.
    public var samplesCounted: UInt64 = 0
    /// Program invocations (every sample that fired, before any filter).
    public var samplesSeen: UInt64 = 0
    /// Samples counted with frame-pointer stacks, and those unwound with DWARF.
    public var framePointerSamples: UInt64 = 0
    public var dwarfSamples: UInt64 = 0
    /// Samples the frame-pointer program handed to the DWARF program.
    public var handedToDwarf: UInt64 = 0
    /// Samples of DWARF-mode processes counted with frame pointers because the
    /// DWARF program was not (yet) in place: kept, not lost.
    public var dwarfUnavailableSamples: UInt64 = 0
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
    /// Samples whose stack the memory budget cut to its outermost frames under
    /// `[stack budget exceeded]` (`StackBudget`): kept, with less detail.
    public var stackBudgetCut: UInt64 = 0
    /// Counts whose stack was gone from the stacks map when drained.
    public var stacksMissingAtDrain: UInt64 = 0

    /// DWARF mode: samples lost because the ring buffer was full (slow consumer).
    public var droppedRingFull: UInt64 = 0
    /// DWARF mode: samples the unwinder fell so far behind on that even their
    /// headers found no room in its queue (`UnwindQueue`): lost.
    public var droppedUnwindQueueFull: UInt64 = 0
    /// DWARF mode: samples kept without their stack copy (queue full): named by
    /// their leaf under `[unwind skipped: unwinder behind]`.
    public var unwindSkippedBehind: UInt64 = 0
    /// DWARF mode: unwinds that stopped before the outermost frame, by reason.
    public var unwindStackCopyTooSmall: UInt64 = 0
    public var unwindNoCFI: UInt64 = 0
    public var unwindUnmapped: UInt64 = 0
    public var unwindDepthLimit: UInt64 = 0
    /// DWARF mode: samples not unwound because the process's CFI did not fit the
    /// memory budget beside busier processes: named by their leaf.
    public var unwindOverBudget: UInt64 = 0

    /// Frame-pointer mode: samples with a user stack, and those whose stack reached
    /// no thread entry (`main`, `start_thread`, …): the walk broke in frameless code.
    public var framePointerStacks: UInt64 = 0
    public var framePointerStacksIncomplete: UInt64 = 0

    /// Drains done, and the time the last one took.
    public var drains: UInt64 = 0
    public var lastDrainMicroseconds: UInt64 = 0
    /// The longest time from one drain's start to the next (drains come every
    /// `drainIntervalMilliseconds`): seconds mean flametop got too little CPU (a
    /// starved host) or a drain took that long.
    public var longestDrainGapMicroseconds: UInt64 = 0
    /// Samples drained from the kernel but not yet symbolized (a busy host's
    /// first drains meet large binaries): they reach the profile at a later drain.
    public var symbolizationBacklog: UInt64 = 0

    /// Off-CPU mode: what the context-switch program counted.
    public var offCPU = OffCPUStatistics()

    public init() {}

    /// Every loss counter, in a stable order, zeros included.
    public var losses: [(loss: SampleLoss, count: UInt64)] {
        SampleLoss.allCases.map { ($0, self[$0]) }
    }

    public subscript(loss: SampleLoss) -> UInt64 {
        switch loss {
        case .countsMapFull: return droppedMapFull
        case .userStackMapFull: return userStackMapFull
        case .userStackUnreadable: return userStackUnavailable
        case .userStackOtherError: return userStackOtherErrors
        case .kernelStackMapFull: return kernelStackMapFull
        case .kernelStackUnreadable: return kernelStackUnavailable
        case .kernelStackOtherError: return kernelStackOtherErrors
        case .stackGoneAtDrain: return stacksMissingAtDrain
        case .stackBudgetExceeded: return stackBudgetCut
        case .ringBufferFull: return droppedRingFull
        case .unwindQueueFull: return droppedUnwindQueueFull
        case .unwindSkippedBehind: return unwindSkippedBehind
        case .unwindStackCopyTooSmall: return unwindStackCopyTooSmall
        case .unwindNoCFI: return unwindNoCFI
        case .unwindUnmapped: return unwindUnmapped
        case .unwindDepthLimit: return unwindDepthLimit
        case .unwindOverBudget: return unwindOverBudget
        case .offCPUTaskTableFull: return offCPU.taskTableFull
        case .offCPUCountsMapFull: return offCPU.countsMapFull
        case .offCPUSwitchOutMissed: return offCPU.switchOutMissed
        case .offCPUUserStackMapFull: return offCPU.userStackMapFull
        case .offCPUKernelStackMapFull: return offCPU.kernelStackMapFull
        case .offCPUUserStackUnreadable: return offCPU.userStackUnreadable
        case .offCPUKernelStackUnreadable: return offCPU.kernelStackUnreadable
        case .offCPUStackOtherError: return offCPU.stackOtherErrors
        }
    }

    /// The loss counters that are not zero.
    public var nonZeroLosses: [(loss: SampleLoss, count: UInt64)] { losses.filter { $0.count > 0 } }
    /// Samples gone entirely (not only part of a stack).
    public var totalLost: UInt64 { droppedMapFull + stacksMissingAtDrain + droppedRingFull + droppedUnwindQueueFull }
}

/// Why a sample, or part of its stack, was lost.
public enum SampleLoss: CaseIterable, Sendable, Hashable {
    case countsMapFull
    case userStackMapFull, userStackUnreadable, userStackOtherError
    case kernelStackMapFull, kernelStackUnreadable, kernelStackOtherError
    case stackGoneAtDrain, stackBudgetExceeded
    case ringBufferFull, unwindQueueFull
    case unwindSkippedBehind
    case unwindStackCopyTooSmall, unwindNoCFI, unwindUnmapped, unwindDepthLimit, unwindOverBudget
    /// Off-CPU: counted in blocks, not samples.
    case offCPUTaskTableFull, offCPUCountsMapFull, offCPUSwitchOutMissed
    case offCPUUserStackMapFull, offCPUKernelStackMapFull
    case offCPUUserStackUnreadable, offCPUKernelStackUnreadable, offCPUStackOtherError

    /// Whether the whole sample (or off-CPU block) is gone, not only part of its stack.
    public var losesSample: Bool {
        self == .countsMapFull || self == .stackGoneAtDrain || self == .ringBufferFull || self == .unwindQueueFull
            || self == .offCPUTaskTableFull || self == .offCPUCountsMapFull || self == .offCPUSwitchOutMissed
    }
}

extension SamplingStatistics {
    mutating func countUnwindStop(_ stop: UnwindStop, count: UInt64) {
        switch stop {
        case .complete: break
        case .stackCopyTooSmall: unwindStackCopyTooSmall += count
        case .noCFI: unwindNoCFI += count
        case .unmapped: unwindUnmapped += count
        case .depthLimit: unwindDepthLimit += count
        case .overBudget: unwindOverBudget += count
        }
    }
}
