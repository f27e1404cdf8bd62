import Foundation
import Synchronization

/// A ProfilingSession sampling on its own thread, for the TUI and the service:
/// they read snapshots while the session thread drains and symbolizes.
public final class BackgroundSession: Sendable {
    public let session: ProfilingSession
    private let outcome = Outcome()
    private let done = DispatchSemaphore(value: 0)

    /// The final snapshot, shared with the session thread (a Mutex cannot be copied into a closure).
    private final class Outcome: Sendable {
        let final = Mutex<SessionSnapshot?>(nil)
    }

    /// Starts sampling at once; `onDrain` runs on the session thread after each drain.
    public init(session: ProfilingSession, onDrain: @escaping @Sendable (SessionSnapshot) -> Void = { _ in }) {
        self.session = session
        let outcome = self.outcome
        let done = self.done
        let thread = Thread {
            let final = session.run(onDrain: onDrain)
            outcome.final.withLock { $0 = final }
            done.signal()
        }
        thread.name = "flametop-session"
        thread.start()
    }

    /// The latest snapshot (the final one once sampling ended).
    public func snapshot() -> SessionSnapshot {
        outcome.final.withLock { $0 } ?? session.snapshot()
    }

    public var isRunning: Bool { outcome.final.withLock { $0 == nil } }

    public func reset() { session.requestReset() }

    /// Stops sampling and waits (at most `timeout` seconds) for the final snapshot.
    @discardableResult
    public func stop(timeout: Double = 5) -> SessionSnapshot {
        session.requestStop()
        if outcome.final.withLock({ $0 == nil }) {
            if done.wait(timeout: .now() + timeout) == .success { done.signal() }
        }
        return snapshot()
    }
}
