/// What one unit of a profile's counts stands for.
public enum CountUnit: Sendable, Hashable {
    /// Samples taken at `hz` a second: one sample is 1/hz s of CPU time.
    case samples(hz: Int)
    /// Microseconds: CPU time from samples of different rates weighted by their period
    /// (samples × 1/hz), or the off-CPU and wall modes' measured time.
    case microseconds

    public var isTime: Bool { self == .microseconds }
}

/// A window's stacks and the unit their counts are in.
public struct WindowCounts: Sendable, Equatable {
    public var counts: StackCounts
    public var unit: CountUnit

    public init(counts: StackCounts, unit: CountUnit) {
        self.counts = counts
        self.unit = unit
    }

    /// `samples` periods of a `hz` sampler in microseconds, rounded: a cpu-clock event
    /// opened with a frequency fires every 10⁹/hz ns exactly (the kernel turns the
    /// frequency into a fixed period for hrtimer events: perf_swevent_init_hrtimer).
    public static func microseconds(samples: UInt64, hz: Int) -> UInt64 {
        let period = 1_000_000_000 / UInt64(max(hz, 1))
        return (samples * period + 500) / 1000
    }

    /// The counts as CPU microseconds: samples weighted by their period; time stays as it is.
    public func inMicroseconds() -> StackCounts {
        guard case .samples(let hz) = unit else { return counts }
        return StackCounts(counts.counts.map { ($0.key, Self.microseconds(samples: $0.value, hz: hz)) })
    }
}
