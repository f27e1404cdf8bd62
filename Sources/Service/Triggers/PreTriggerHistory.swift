import FoundationEssentials
import Profile
import Sampling

/// Where a triggered session can get the seconds before its trigger fired: a history
/// of the process's recent stacks (the time-window work's low-rate ring, not built
/// yet). The trigger watcher asks it once per firing and hands what it gives to
/// `SessionRegistry.start(seed:)`; with none, a triggered profile starts at the firing.
public protocol PreTriggerHistory: Sendable {
    /// The stacks of `pid` in the `seconds` before `firedAt`, in the unit of `mode`'s
    /// counts; nil when there are none.
    func seed(pid: Int32, seconds: Int, before firedAt: Date, mode: ProfileMode) -> SessionSeed?
}

/// Stacks a session's result starts with, sampled before the session: they are added
/// to the session's own counts when it ends. They must be counted like the session's
/// (samples for cpu, microseconds for off and wall) and symbolized.
public struct SessionSeed: Sendable {
    public var counts: StackCounts
    /// How many seconds before the session they cover.
    public var seconds: Double

    public init(counts: StackCounts, seconds: Double) {
        self.counts = counts
        self.seconds = seconds
    }
}
