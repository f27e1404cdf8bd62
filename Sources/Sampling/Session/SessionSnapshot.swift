import FoundationEssentials
import Profile

/// An immutable picture of a session, published after each drain. Views, the
/// exporter and the service all read these; none of them touches the sampler.
public struct SessionSnapshot: Sendable {
    public enum State: Sendable, Equatable {
        case running
        /// The duration elapsed.
        case finished
        /// Stopped by the user (Ctrl-C, SIGTERM, a key).
        case stopped
        /// The target process exited; the profile holds what was sampled before.
        case targetExited
        /// Sampling failed after it started; the message says why.
        case failed(String)
    }

    public var settings: SessionSettings
    public var counts: StackCounts
    public var statistics: SamplingStatistics
    public var state: State
    public var startedAt: Date
    /// Seconds sampled so far.
    public var elapsed: Double
    /// The target's command name (`comm`), "all" for system-wide sessions.
    public var targetName: String
    /// Increases with every drain: a view can skip work when it has seen this one.
    public var generation: UInt64
    /// Modules whose frames stayed unresolved, with the reason and the fix (worst first).
    public var unresolvedModules: [String] = []
    /// The unwind mode the target's stacks are walked with now (`auto` until the
    /// policy has decided; for system-wide sessions, the setting: each process has its own).
    public var unwind: SessionSettings.UnwindMode = .framePointers
    /// What the unwinding policy decided, per process, and on what evidence.
    public var unwindDecisions = UnwindDecisionLog()
    /// The decisions made since the previous snapshot (all of them, where
    /// `unwindDecisions` keeps only the first in full).
    public var newUnwindDecisions: [UnwindDecision] = []
    /// Why DWARF unwinding could not be loaded, when a process needed it.
    public var dwarfUnavailable: SamplingError?
    /// The memory budget's figures at the last drain.
    public var memory: MemoryReport?
    /// The target's stack copy in DWARF mode (grows when copies prove too small).
    public var stackCopyBytes: Int?
    /// The counts per second (seconds since the session began), for the timeline
    /// and windows; nil without history (a saved profile, `--history 0`).
    public var slices: TimeSlices?
    /// The CPU time the target's threads used while sampled (utime + stime from
    /// /proc), to check the samples against: nil system-wide or when unreadable.
    public var targetCPUSeconds: Double?

    /// Samples counted against those the target's CPU time should give at the
    /// frequency (`targetCPUSeconds × Hz`); nil without a CPU time or below 100
    /// expected samples, where chance alone moves the share.
    public var sampleCoverage: (counted: UInt64, expected: Double)? {
        guard let cpu = targetCPUSeconds else { return nil }
        let expected = cpu * Double(settings.frequency)
        return expected >= 100 ? (counts.totalSamples, expected) : nil
    }

    public init(settings: SessionSettings, counts: StackCounts, statistics: SamplingStatistics,
                state: State, startedAt: Date, elapsed: Double, targetName: String, generation: UInt64) {
        self.settings = settings
        self.counts = counts
        self.statistics = statistics
        self.state = state
        self.startedAt = startedAt
        self.elapsed = elapsed
        self.targetName = targetName
        self.generation = generation
    }
}
