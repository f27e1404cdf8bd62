import FoundationEssentials
import Profile
import Sampling

/// How the CLI starts the live UI.
public struct TerminalUIOptions: Sendable {
    public enum Start: Sendable {
        /// The process list (`flametop`).
        case processList
        /// Profile at once (`flametop --pid PID`, `flametop --all`); q goes back to the list.
        case profile(SessionSettings)
        /// Show a saved profile (`flametop view FILE`); q quits.
        case view(any ProfileSource)
    }

    public var start: Start
    /// ASCII glyphs and text even in a UTF-8 locale (`--ascii`).
    public var ascii = false
    /// No colours (`--no-color`; NO_COLOR in the environment too).
    public var noColor = false
    /// Frequency and duration the process list starts with (nil duration: until stopped).
    public var frequency = 99
    public var duration: Int? = 10
    /// Starts sampling with these settings, seeded with the target's rewind history when
    /// there is one. A thrown error's description is shown to the user, so it should say
    /// what failed and what to do.
    public var startSession: @Sendable (SessionSettings, HistorySeed?) throws -> any ProfileSource
    /// The rewind history the process list records (`--history-rate`; hz 0: none).
    public var history = HistoryRecorder.Settings()
    /// Where live profiles are autosaved; nil disables autosave.
    /// How exports and autosaves write frames (`--lines`, `--raw-names`, …), as `record` does.
    public var foldedOptions = FoldedWriter.Options()
    public var autosaveDirectory: String?
    public var autosaveInterval: Double = 5
    public var processRefreshInterval: Double = 1
    public var profileRefreshInterval: Double = 0.5

    public init(start: Start = .processList,
                startSession: @escaping @Sendable (SessionSettings, HistorySeed?) throws -> any ProfileSource) {
        self.start = start
        self.startSession = startSession
        autosaveDirectory = Self.defaultAutosaveDirectory()
    }

    /// `$XDG_STATE_HOME/flametop`, or `~/.local/state/flametop` (XDG Base Directory spec).
    public static func defaultAutosaveDirectory(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String? {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return state + "/flametop" }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.local/state/flametop"
    }
}

/// How the UI ended: the exit status, and lines for the CLI to print once the
/// terminal is back (where autosaved profiles are, why sampling could not start).
public struct TerminalUIExit: Sendable, Equatable {
    public var status: Int32
    public var messages: [String]
}
