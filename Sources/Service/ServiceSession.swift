import FoundationEssentials
import Sampling
import Synchronization

/// One session of the service, from its start until its result is deleted:
/// it samples, then holds its result (or why there is none) for the callers
/// waiting for it.
final class ServiceSession: Sendable {
    enum Phase: Sendable {
        case starting
        case running(any SessionControl)
        case ended(Result<SessionResult, ServiceError>)
    }

    let id: String
    let pid: Int32
    let settings: SessionSettings
    /// Set when a trigger rule started the session.
    let trigger: TriggerCause?
    private let state = Mutex(State())

    private struct State {
        var phase = Phase.starting
        var waiters: [Int: CheckedContinuation<SessionResult, any Error>] = [:]
        var nextWaiter = 0
        var command = ""
        var startedAt = Date.distantPast
    }

    init(id: String, pid: Int32, settings: SessionSettings, trigger: TriggerCause? = nil) {
        self.id = id
        self.pid = pid
        self.settings = settings
        self.trigger = trigger
    }

    var phase: Phase { state.withLock { $0.phase } }

    /// The target's command name and when sampling started, once running.
    var started: (command: String, at: Date) { state.withLock { ($0.command, $0.startedAt) } }

    /// Callers waiting in `result()` now.
    var waitingCallers: Int { state.withLock { $0.waiters.count } }

    var control: (any SessionControl)? {
        if case .running(let session) = phase { return session }
        return nil
    }

    func markRunning(_ session: any SessionControl, command: String, startedAt: Date) {
        state.withLock { state in
            state.command = command
            state.startedAt = startedAt
            if case .starting = state.phase { state.phase = .running(session) }
        }
    }

    /// Records the outcome and wakes every caller waiting for it.
    func end(with outcome: Result<SessionResult, ServiceError>) {
        let waiters = state.withLock { state in
            state.phase = .ended(outcome)
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters {
            waiter.resume(with: outcome.mapError { $0 as any Error })
        }
    }

    /// The result, waiting while the session samples. Throws the session's
    /// ServiceError, or CancellationError when the calling task is cancelled
    /// (a client's deadline passed, it hung up, or the server is stopping).
    func result() async throws -> SessionResult {
        let token = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                enum Registration { case waiting, cancelled, ended(Result<SessionResult, ServiceError>) }
                let registration: Registration = state.withLock { state in
                    if case .ended(let outcome) = state.phase { return .ended(outcome) }
                    // Checked under the lock the cancellation handler takes too, so a
                    // cancellation either finds this waiter or is seen here.
                    if Task.isCancelled { return .cancelled }
                    state.waiters[token] = continuation
                    return .waiting
                }
                switch registration {
                case .waiting: break
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .ended(let outcome): continuation.resume(with: outcome.mapError { $0 as any Error })
                }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: token) }
            waiter?.resume(throwing: CancellationError())
        }
    }
}
