import Sampling

extension Profiler_V1_LossCounters {
    /// The session's loss counters, field for field.
    init(_ statistics: SamplingStatistics) {
        self.init()
        samplesDroppedMapFull = statistics.droppedMapFull
        userStackMapFull = statistics.userStackMapFull
        userStackUnreadable = statistics.userStackUnavailable
        userStackOtherErrors = statistics.userStackOtherErrors
        kernelStackMapFull = statistics.kernelStackMapFull
        kernelStackUnreadable = statistics.kernelStackUnavailable
        kernelStackOtherErrors = statistics.kernelStackOtherErrors
        stacksMissingAtDrain = statistics.stacksMissingAtDrain
        samplesDroppedRingFull = statistics.droppedRingFull
        unwindStackCopyTooSmall = statistics.unwindStackCopyTooSmall
        unwindNoCfi = statistics.unwindNoCFI
        unwindUnmapped = statistics.unwindUnmapped
        unwindDepthLimit = statistics.unwindDepthLimit
        samplesDroppedUnwindQueueFull = statistics.droppedUnwindQueueFull
        unwindSkippedBehind = statistics.unwindSkippedBehind
        unwindOverBudget = statistics.unwindOverBudget
        stackBudgetExceeded = statistics.stackBudgetCut
    }
}
