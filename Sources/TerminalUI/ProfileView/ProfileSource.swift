import FoundationEssentials
import Profile
import Sampling

/// Where the profile screen gets its data: a live session, or a profile read from a
/// file (`flametop view`). The screen only ever reads immutable snapshots from it.
public protocol ProfileSource: AnyObject, Sendable {
    /// The latest picture of the profile; cheap, never blocks on sampling.
    func snapshot() -> SessionSnapshot
    /// Clears the counts; sampling goes on.
    func reset()
    /// Stops sampling; may wait briefly for the last drain.
    func stop()
    /// False for a saved profile: no sampling, nothing to stop or autosave.
    var isLive: Bool { get }
    /// Walks the target's stacks with `mode` from now on (live one-process sessions).
    func switchUnwind(to mode: SessionSettings.UnwindMode)
    /// The stacks already read into a compact table (a saved profile), so the model is built
    /// from them rather than from `snapshot().counts`; nil for a live session.
    var stacks: StackTable? { get }
    /// A profile to compare with from the start (`view --baseline`); nil for most sources.
    var baseline: ProfileBaseline? { get }
}

extension ProfileSource {
    public var stacks: StackTable? { nil }
    public var baseline: ProfileBaseline? { nil }

    /// What an export writes.
    func countsToExport() -> StackCounts {
        stacks?.stackCounts() ?? snapshot().counts
    }
}

extension BackgroundSession: ProfileSource {
    public func stop() {
        _ = stop(timeout: 5)
    }

    public var isLive: Bool { true }

    public func switchUnwind(to mode: SessionSettings.UnwindMode) {
        session.requestUnwind(mode)
    }
}

/// A profile that does not change: a folded file opened with `flametop view`. Its snapshot
/// carries no counts: the stacks stay in their compact table (`stacks`).
public final class StaticProfileSource: ProfileSource {
    private let fixed: SessionSnapshot
    public let stacks: StackTable?
    public let baseline: ProfileBaseline?

    /// `name` is what the status line shows (the file name); with a `baseline` the screen
    /// opens on the diff view.
    public convenience init(counts: StackCounts, name: String, baseline: ProfileBaseline? = nil) {
        self.init(stacks: StackTable(counts), name: name, baseline: baseline)
    }

    public init(stacks: StackTable, name: String, baseline: ProfileBaseline? = nil) {
        self.baseline = baseline
        var settings = SessionSettings(target: .allProcesses)
        settings.duration = nil
        self.stacks = stacks
        fixed = SessionSnapshot(settings: settings, counts: StackCounts(), statistics: SamplingStatistics(),
                                state: .finished, startedAt: Date(), elapsed: 0, targetName: name,
                                generation: 1)
    }

    public func snapshot() -> SessionSnapshot { fixed }
    public func reset() {}
    public func stop() {}
    public var isLive: Bool { false }
    public func switchUnwind(to mode: SessionSettings.UnwindMode) {}
}
