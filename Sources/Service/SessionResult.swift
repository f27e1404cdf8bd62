import Foundation
import Profile
import Sampling

/// What a session left behind: its folded file, rendered once when it ended,
/// and what the client's metadata needs. The stack counts themselves are dropped.
public struct SessionResult: Sendable {
    public var sessionID: String
    public var pid: Int32
    public var command: String
    public var startedAt: Date
    public var elapsedSeconds: Double
    public var requestedDurationSeconds: Int
    public var frequencyHz: Int
    /// The mode the profile was sampled with (fp or dwarf once `auto` decided).
    public var unwind: SessionSettings.UnwindMode
    /// What the counts measure; `sampleCount` is in its unit (samples or µs).
    public var mode: ProfileMode
    public var sampleCount: UInt64
    public var uniqueStacks: Int
    public var statistics: SamplingStatistics
    public var state: SessionSnapshot.State
    /// Exactly the bytes `flametop record` writes for the same profile.
    public var folded: [UInt8]

    public init(sessionID: String, pid: Int32, final snapshot: SessionSnapshot) {
        self.sessionID = sessionID
        self.pid = pid
        command = snapshot.targetName
        startedAt = snapshot.startedAt
        elapsedSeconds = snapshot.elapsed
        requestedDurationSeconds = snapshot.settings.duration ?? 0
        frequencyHz = snapshot.settings.frequency
        // An `auto` session too short to decide sampled with frame pointers throughout.
        unwind = snapshot.unwind == .auto ? .framePointers : snapshot.unwind
        mode = snapshot.settings.mode
        sampleCount = snapshot.counts.totalSamples
        uniqueStacks = snapshot.counts.uniqueStacks
        statistics = snapshot.statistics
        state = snapshot.state
        folded = Array(FoldedWriter().write(snapshot.counts).utf8)
    }

    /// Why the session ended, in words.
    public var endReason: String {
        switch state {
        case .running: return "running"
        case .finished: return "duration elapsed"
        case .stopped: return "stopped early: the service is shutting down"
        case .targetExited: return "target exited"
        case .failed(let message): return "sampling failed: \(message)"
        }
    }
}
