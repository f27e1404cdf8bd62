import Sampling

/// One `[[trigger]]` of profiler.toml: when a matching process has used more than
/// `cpuPercent` of a CPU for `forSeconds`, the service profiles it by itself, at most
/// once per `coolDownSeconds` and `maxPerHour` times an hour (both per rule).
public struct TriggerRule: Sendable, Equatable {
    public var name: String
    public var match: ProcessMatch
    /// Percent of one CPU (100 = one CPU busy), over every thread of the process.
    public var cpuPercent: Double
    public var forSeconds: Int
    public var coolDownSeconds: Int
    public var maxPerHour: Int
    /// The session it starts.
    public var durationSeconds: Int
    public var frequencyHz: Int
    public var mode: ProfileMode
    /// nil: the `[profiler] unwind` default (frame pointers in off-CPU and wall modes).
    public var unwind: SessionSettings.UnwindMode?

    public init(name: String, match: ProcessMatch, cpuPercent: Double, forSeconds: Int = Defaults.forSeconds,
                coolDownSeconds: Int = Defaults.coolDownSeconds, maxPerHour: Int = Defaults.maxPerHour,
                durationSeconds: Int = Defaults.durationSeconds, frequencyHz: Int = Defaults.frequencyHz,
                mode: ProfileMode = .cpu, unwind: SessionSettings.UnwindMode? = nil) {
        self.name = name
        self.match = match
        self.cpuPercent = cpuPercent
        self.forSeconds = forSeconds
        self.coolDownSeconds = coolDownSeconds
        self.maxPerHour = maxPerHour
        self.durationSeconds = durationSeconds
        self.frequencyHz = frequencyHz
        self.mode = mode
        self.unwind = unwind
    }

    public enum Defaults {
        public static let forSeconds = 10
        public static let coolDownSeconds = 300
        public static let maxPerHour = 4
        public static let durationSeconds = 30
        public static let frequencyHz = 99
    }

    /// The ranges of its keys (the session's own are the [profiler] limits).
    public enum Limits {
        public static let cpuPercent = 0.0...102_400.0
        public static let forSeconds = 1...3_600
        public static let coolDownSeconds = 0...86_400
        public static let maxPerHour = 1...3_600
    }
}
