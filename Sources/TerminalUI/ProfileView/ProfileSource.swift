import Foundation
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

/// A profile that does not change: a folded file opened with `flametop view`.
public final class StaticProfileSource: ProfileSource {
    private let fixed: SessionSnapshot

    /// `name` is what the status line shows (the file name).
    public init(counts: StackCounts, name: String) {
        var settings = SessionSettings(target: .allProcesses)
        settings.duration = nil
        fixed = SessionSnapshot(settings: settings, counts: counts, statistics: SamplingStatistics(),
                                state: .finished, startedAt: Date(), elapsed: 0, targetName: name,
                                generation: 1)
    }

    public func snapshot() -> SessionSnapshot { fixed }
    public func reset() {}
    public func stop() {}
    public var isLive: Bool { false }
    public func switchUnwind(to mode: SessionSettings.UnwindMode) {}
}
