import Profile

/// Which form of function names the panes show: the short one (no return type, parameters
/// or symbol version, templates folded) or the full one the folded export writes. Search
/// matches either form, whichever is shown.
enum FunctionNameForm: Sendable, Equatable {
    case short
    case full

    /// The name of `identity` in this form. Frames read from a folded file carry no short
    /// form of their own: one is derived from the full name.
    func name(of identity: FunctionIdentity) -> String {
        // Process and thread roots are names, not signatures: shortening would eat them.
        guard !identity.kind.isSynthetic else { return identity.function }
        switch self {
        case .full: return identity.function
        case .short: return identity.shortFunction ?? ShortName.of(identity.function)
        }
    }

    /// True when `query` (lowercased) is in the full or the short name of `identity`.
    static func matches(_ identity: FunctionIdentity, query: String) -> Bool {
        identity.function.lowercased().contains(query)
            || FunctionNameForm.short.name(of: identity).lowercased().contains(query)
    }

    /// As `matches(_:query:)` for a frame.
    static func matches(_ frame: Frame, query: String) -> Bool {
        frame.function.lowercased().contains(query)
            || (frame.forms?.short ?? ShortName.of(frame.function)).lowercased().contains(query)
    }
}
