/// What a profile's counts measure, as pprof names it: the sample types and period a
/// file declares. On-CPU counts are samples; off-CPU and wall counts are microseconds
/// (the unit flametop's off-CPU program sums in), written as nanoseconds because that
/// is the unit pprof's tools scale and print time in.
public enum PprofValueKind: Sendable, Equatable, CaseIterable {
    /// Samples of the cpu-clock: `samples/count` and `cpu/nanoseconds` (count × period).
    case cpuSamples
    /// Time off the CPU: `off_cpu/nanoseconds`.
    case offCPUMicroseconds
    /// On-CPU samples weighted by their period plus off-CPU time: `wall/nanoseconds`.
    case wallMicroseconds

    /// The sample types, in the order of each sample's values; the first is the default.
    public var sampleTypes: [(type: String, unit: String)] {
        switch self {
        case .cpuSamples: [("samples", "count"), ("cpu", "nanoseconds")]
        case .offCPUMicroseconds: [("off_cpu", "nanoseconds")]
        case .wallMicroseconds: [("wall", "nanoseconds")]
        }
    }

    /// The period's type: what one unit of sampling stands for.
    public var periodType: (type: String, unit: String) {
        switch self {
        case .cpuSamples: ("cpu", "nanoseconds")
        case .offCPUMicroseconds: ("off_cpu", "nanoseconds")
        case .wallMicroseconds: ("wall", "nanoseconds")
        }
    }

    /// Nanoseconds in one count of a time kind (1 µs); nil for samples.
    static let nanosecondsPerMicrosecond: Int64 = 1_000

    /// The kind a file's sample type says, when it is one flametop writes.
    public init?(sampleType: String, unit: String) {
        switch (sampleType, unit) {
        case ("samples", "count"), ("cpu", "nanoseconds"): self = .cpuSamples
        case ("off_cpu", "nanoseconds"): self = .offCPUMicroseconds
        case ("wall", "nanoseconds"): self = .wallMicroseconds
        default: return nil
        }
    }

    /// Whether counts are microseconds (and values nanoseconds).
    public var countsTime: Bool { self != .cpuSamples }
}
