import Foundation
import Sampling
import Symbolization

/// Runs the shared session engine (ProfilingSession, as `record` and the TUI do)
/// on a thread of its own, as BackgroundSession does, and adds what the service
/// needs besides: setup off the caller's thread (loading BPF blocks for tens of
/// milliseconds, too long for a Swift concurrency thread) and a call when the
/// session has ended, instead of polling for it.
enum SessionRunner {
    /// Creates the session on a new thread and starts sampling there. Returns once
    /// sampling runs, or throws why it could not start. `onEnd` is called on the
    /// session's thread with the final snapshot.
    static func start(settings: SessionSettings,
                      onEnd: @escaping @Sendable (SessionSnapshot) -> Void) async throws(SamplingError) -> any SessionControl {
        let outcome: Result<ProfilingSession, SamplingError> = await withCheckedContinuation { continuation in
            let thread = Thread {
                let session: ProfilingSession
                do throws(SamplingError) {
                    // The symbolizer is not thread-safe: this thread creates and owns it.
                    session = try ProfilingSession(settings: settings, symbolizer: Symbolizer())
                } catch {
                    continuation.resume(returning: .failure(error))
                    return
                }
                continuation.resume(returning: .success(session))
                onEnd(session.run())
            }
            thread.name = "flametop-service-session"
            thread.start()
        }
        return try outcome.get()
    }
}
