import Dispatch
import FoundationEssentials
import PlatformSupport
import Synchronization

/// The one runner of sessions: a ProfilingSession sampling on a thread of its
/// own, for the TUI, the service and `record` alike. Readers take snapshots while
/// the session thread drains and symbolizes.
public final class BackgroundSession: Sendable {
    public let session: ProfilingSession
    private let outcome = Outcome()
    private let done = DispatchSemaphore(value: 0)

    /// The final snapshot, shared with the session thread (a Mutex cannot be copied into a closure).
    private final class Outcome: Sendable {
        let final = Mutex<SessionSnapshot?>(nil)
    }

    /// Starts sampling `session` at once on a new thread; `onDrain` runs there
    /// after each drain, `onEnd` there with the final snapshot.
    public convenience init(session: ProfilingSession,
                            onDrain: @escaping @Sendable (SessionSnapshot) -> Void = { _ in },
                            onEnd: @escaping @Sendable (SessionSnapshot) -> Void = { _ in }) {
        self.init(wrapping: session)
        Self.spawn { [self] in run(onDrain: onDrain, onEnd: onEnd) }
    }

    private init(wrapping session: ProfilingSession) {
        self.session = session
    }

    /// Creates the session on its own thread (loading BPF blocks for tens of
    /// milliseconds, too long for a Swift concurrency thread, and the symbolizer
    /// that `makeSymbolizer` returns is then owned by that thread), then samples
    /// there. Returns once sampling runs, or throws why it could not start. `seed`: the
    /// target's rewind history (see `ProfilingSession.init`).
    public static func start(settings: SessionSettings, seed: HistorySeed? = nil,
                             makeSymbolizer: @escaping @Sendable () -> AddressSymbolizer,
                             onDrain: @escaping @Sendable (SessionSnapshot) -> Void = { _ in },
                             onEnd: @escaping @Sendable (SessionSnapshot) -> Void = { _ in }) async throws(SamplingError) -> BackgroundSession {
        let created: Result<BackgroundSession, SamplingError> = await withCheckedContinuation { continuation in
            spawn {
                let background: BackgroundSession
                do throws(SamplingError) {
                    background = BackgroundSession(wrapping: try ProfilingSession(settings: settings, symbolizer: makeSymbolizer(),
                                                                                   seed: seed))
                } catch {
                    continuation.resume(returning: .failure(error))
                    return
                }
                continuation.resume(returning: .success(background))
                background.run(onDrain: onDrain, onEnd: onEnd)
            }
        }
        return try created.get()
    }

    private func run(onDrain: (SessionSnapshot) -> Void, onEnd: (SessionSnapshot) -> Void) {
        let final = session.run(onDrain: onDrain)
        outcome.final.withLock { $0 = final }
        done.signal()
        onEnd(final)
    }

    private static func spawn(_ body: @escaping @Sendable () -> Void) {
        DedicatedThread.start(name: "flametop-session", body)
    }

    /// The latest snapshot (the final one once sampling ended).
    public func snapshot() -> SessionSnapshot {
        outcome.final.withLock { $0 } ?? session.snapshot()
    }

    public var isRunning: Bool { outcome.final.withLock { $0 == nil } }

    public func reset() { session.requestReset() }

    /// Asks the session to stop after a final drain, without waiting.
    public func requestStop() { session.requestStop() }

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
