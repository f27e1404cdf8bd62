import Sampling
import Symbolization

/// What the service needs of a sampling session: a BackgroundSession (the
/// runner the TUI and `record` use too), or a test double that lets the
/// registry's bookkeeping be tested without BPF.
protocol SessionControl: AnyObject, Sendable {
    func snapshot() -> SessionSnapshot
    func requestStop()
}

extension BackgroundSession: SessionControl {}

/// Starts a session for `settings`, seeded with the target's pre-trigger history when
/// there is one; calls `onEnd` once with the final snapshot when the session ends.
/// `SessionStarters.background` in the service.
typealias SessionStarter = @Sendable (
    _ settings: SessionSettings, _ seed: HistorySeed?, _ onEnd: @escaping @Sendable (SessionSnapshot) -> Void
) async throws(SamplingError) -> any SessionControl

enum SessionStarters {
    /// Real sessions: each on a thread of its own, which creates and owns its symbolizer.
    static func background(symbols: SymbolizerOptions) -> SessionStarter {
        { (settings, seed, onEnd) throws(SamplingError) -> any SessionControl in
            try await BackgroundSession.start(settings: settings, seed: seed, makeSymbolizer: { Symbolizer(options: symbols) },
                                              onEnd: onEnd)
        }
    }
}

extension ServiceConfiguration.Symbols {
    /// The symbolizer's options: debuginfod only with servers named in the TOML.
    var symbolizerOptions: SymbolizerOptions {
        SymbolizerOptions(debugDirectories: debugDirectories,
                          debuginfodURLs: debuginfodURLs.isEmpty ? nil : debuginfodURLs.joined(separator: " "),
                          debuginfodCachePath: debuginfodCachePath)
    }
}
