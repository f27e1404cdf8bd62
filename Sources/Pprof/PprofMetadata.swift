/// What a pprof file says about the whole profile besides its stacks: how often it sampled,
/// when and for how long, and the labels every sample carries.
public struct PprofMetadata: Sendable, Equatable {
    /// Samples a second per CPU (or per thread); the period is 1e9 / frequency nanoseconds.
    public var frequency: Double
    /// When sampling started, nanoseconds since the Unix epoch (0: unknown).
    public var timeNanos: Int64
    /// How long it sampled, in nanoseconds.
    public var durationNanos: Int64
    /// Labels for every sample (a single-process session's pid and comm). A stack's
    /// `.process` root, in a system-wide profile, gives its own `comm` instead.
    public var labels: SampleLabels
    /// Free text tools show with the profile (`go tool pprof -top` prints them first).
    public var comments: [String]
    /// What the counts are: samples (on-CPU), or microseconds off-CPU or of wall-clock time.
    public var kind: PprofValueKind

    public init(frequency: Double, timeNanos: Int64 = 0, durationNanos: Int64 = 0,
                labels: SampleLabels = SampleLabels(), comments: [String] = [],
                kind: PprofValueKind = .cpuSamples) {
        self.frequency = frequency
        self.timeNanos = timeNanos
        self.durationNanos = durationNanos
        self.labels = labels
        self.comments = comments
        self.kind = kind
    }

    /// Nanoseconds of CPU time one sample stands for.
    public var periodNanos: Int64 {
        frequency > 0 ? Int64((1e9 / frequency).rounded()) : 0
    }

    /// The profile's `period`, in its period type's unit: the sampling period for CPU and
    /// wall profiles (wall's on-CPU half is sampled at the frequency), and for off-CPU
    /// profiles, which are not sampled, the resolution of their counts (1 µs).
    public var period: Int64 {
        kind == .offCPUMicroseconds ? PprofValueKind.nanosecondsPerMicrosecond : periodNanos
    }

    /// For CPU counts that are microseconds, weighted from samples of two rates (a session
    /// seeded with the rewind history, `TimeSlices+Rates`): a 1 µs period keeps the
    /// `cpu/nanoseconds` values true whatever rate each sample was taken at; `samples/count`
    /// then counts microseconds, which `why` (a comment tools show) says.
    public mutating func countCPUMicroseconds(why: String) {
        frequency = 1_000_000
        comments.append(why)
    }
}

/// The labels pprof attaches to a sample: the process, its command name and the thread.
public struct SampleLabels: Sendable, Hashable {
    public var pid: Int64?
    public var comm: String?
    /// The thread id (pprof tools call the label `thread`).
    public var thread: Int64?
    /// The thread's name (`thread_name`).
    public var threadName: String?

    public init(pid: Int64? = nil, comm: String? = nil, thread: Int64? = nil, threadName: String? = nil) {
        self.pid = pid
        self.comm = comm
        self.thread = thread
        self.threadName = threadName
    }

    /// The label keys as written.
    public static let pidKey = "pid"
    public static let commKey = "comm"
    public static let threadKey = "thread"
    public static let threadNameKey = "thread_name"
}
