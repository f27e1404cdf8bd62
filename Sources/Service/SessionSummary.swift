import FoundationEssentials
import Sampling

/// One session as GetStatus lists it: what it samples, whether it still does, what its
/// kept result holds, and the trigger that started it.
public struct SessionSummary: Sendable, Equatable {
    public var id: String
    public var pid: Int32
    public var command: String
    public var mode: ProfileMode
    public var startedAt: Date
    public var durationSeconds: Int
    public var frequencyHz: Int
    public var running: Bool
    /// Once ended: why, in words (`SessionResult.endReason`), and the bytes its result holds.
    public var endReason: String
    public var resultBytes: Int
    public var trigger: TriggerCause?

    init(_ session: ServiceSession) {
        let started = session.started
        id = session.id
        pid = session.pid
        command = started.command
        mode = session.settings.mode
        startedAt = started.at
        durationSeconds = session.settings.duration ?? 0
        frequencyHz = session.settings.frequency
        trigger = session.trigger
        endReason = ""
        resultBytes = 0
        switch session.phase {
        case .starting, .running:
            running = true
        case .ended(.success(let result)):
            running = false
            endReason = result.endReason
            resultBytes = result.byteCount
        case .ended(.failure(let error)):
            running = false
            endReason = error.message
        }
    }
}
