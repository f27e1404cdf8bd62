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
    /// A profile to compare with from the start (`view --baseline`); nil for most sources.
    var baseline: ProfileBaseline? { get }
}

extension ProfileSource {
    public var baseline: ProfileBaseline? { nil }
}

extension BackgroundSession: ProfileSource {
    public func stop() {
        _ = stop(timeout: 5)
    }

    public var isLive: Bool { true }
}

/// A profile that does not change: a folded file opened with `flametop view`.
public final class StaticProfileSource: ProfileSource {
    private let fixed: SessionSnapshot
    public let baseline: ProfileBaseline?

    /// `name` is what the status line shows (the file name); with a `baseline` the screen
    /// opens on the diff view.
    public init(counts: StackCounts, name: String, baseline: ProfileBaseline? = nil) {
        self.baseline = baseline
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
}
