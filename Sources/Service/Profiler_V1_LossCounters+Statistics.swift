import Sampling

extension Profiler_V1_LossCounters {
    /// The session's loss counters, field for field.
    init(_ statistics: SamplingStatistics) {
        self.init()
        samplesDroppedMapFull = statistics.droppedMapFull
        userStackCollisions = statistics.userStackCollisions
        userStackMapFull = statistics.userStackMapFull
        userStackUnreadable = statistics.userStackUnavailable
        userStackOtherErrors = statistics.userStackOtherErrors
        kernelStackCollisions = statistics.kernelStackCollisions
        kernelStackMapFull = statistics.kernelStackMapFull
        kernelStackUnreadable = statistics.kernelStackUnavailable
        kernelStackOtherErrors = statistics.kernelStackOtherErrors
        stacksMissingAtDrain = statistics.stacksMissingAtDrain
    }
}
