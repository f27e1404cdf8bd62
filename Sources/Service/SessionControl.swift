import Sampling

/// What the service needs of a sampling session: ProfilingSession, or a test
/// double that lets the registry's bookkeeping be tested without BPF.
protocol SessionControl: AnyObject, Sendable {
    func snapshot() -> SessionSnapshot
    func requestStop()
}

extension ProfilingSession: SessionControl {}

/// Starts a session for `settings`; calls the second argument once with the
/// final snapshot when the session ends. `SessionRunner.start` in the service.
typealias SessionStarter = @Sendable (
    _ settings: SessionSettings, _ onEnd: @escaping @Sendable (SessionSnapshot) -> Void
) async throws(SamplingError) -> any SessionControl
