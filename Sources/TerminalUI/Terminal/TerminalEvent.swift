/// What the main loop reacts to.
public enum TerminalEvent: Hashable, Sendable {
    case key(Key)
    /// The terminal changed size; the next frame must use the new size.
    case resize
    /// SIGINT, SIGTERM or SIGHUP arrived (delivered through the self-pipe).
    case signal(Int32)
}
