import Profile

/// Wall-clock mode's on-CPU half: each sample of the wrapped source stands for
/// one sampling period of CPU time, so its counts are multiplied by the period
/// in microseconds and add up with the off-CPU source's. What the unwinding
/// policy observes (stack counts per process) passes through unweighted.
final class WeightedStackSource: StackSource {
    private let base: StackSource
    /// Nanoseconds per sample. A cpu-clock event opened with a frequency samples
    /// every NSEC_PER_SEC / frequency ns exactly (the kernel turns the frequency
    /// into a fixed period for hrtimer events: perf_swevent_init_hrtimer).
    let periodNanoseconds: UInt64

    init(_ base: StackSource, frequency: Int) {
        self.base = base
        periodNanoseconds = 1_000_000_000 / UInt64(max(frequency, 1))
    }

    func drain(into output: inout DrainOutput, statistics: inout SamplingStatistics,
               priority: DrainPriority) throws(SamplingError) {
        var own = DrainOutput()
        own.framePointer = output.framePointer
        own.dwarf = output.dwarf
        try base.drain(into: &own, statistics: &statistics, priority: priority)
        for (stack, samples) in own.counts.counts {
            output.counts.add(stack, count: Self.microseconds(samples: samples, periodNanoseconds: periodNanoseconds))
        }
        output.framePointer = own.framePointer
        output.dwarf = own.dwarf
    }

    /// `samples` periods in microseconds, rounded.
    static func microseconds(samples: UInt64, periodNanoseconds: UInt64) -> UInt64 {
        (samples * periodNanoseconds + 500) / 1000
    }

    func reset() throws(SamplingError) { try base.reset() }
    func forget(pid: Int32) { base.forget(pid: pid) }
    func close() { base.close() }
}
