import Pprof
import Sampling

/// What a screen's key handler asks the app to do. Handlers change only their own
/// screen's state and return one of these; they never draw or do I/O (htop's
/// Htop_Reaction pattern), so every key path is testable without a terminal.
public enum ScreenAction: Equatable, Sendable {
    /// Nothing visible changed.
    case none
    /// The screen's state changed: draw a new frame.
    case redraw
    /// Leave flametop.
    case quit
    /// Start profiling with these settings and show the profile screen.
    case startProfile(SessionSettings)
    /// Leave the profile screen for the process list (the session is stopped).
    case closeProfile
    /// Write the profile shown to this path, as folded stacks or pprof.
    case export(path: String, format: ProfileFormat)
    /// Clear the profile's counts (the session keeps sampling).
    case resetProfile
    /// Restart sampling with the other unwind mode (frame pointers ⇄ DWARF).
    case switchUnwind
    /// A new session of the same target in the next mode (CPU → off-CPU → wall → CPU).
    case cycleMode
}
