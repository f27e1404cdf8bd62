/// What a frame's name looks like besides its full form: the short form the screen shows
/// and the compiler clone the code sits in. One shared instance per symbol name, held by
/// reference so a frame grows by one pointer, not by two strings.
public final class NameForms: Hashable, Sendable, CustomStringConvertible {
    /// The short form (`ShortName`): no return type, parameters or symbol version.
    public let short: String
    /// The clone GCC or LLVM made of the function (`constprop.0`, `isra.0`, `part.0`, `cold`):
    /// a mark on the frame, not a function of its own.
    public let clone: String?
    /// The name as the binary stores it (mangled where the language mangles, clone suffix
    /// kept, symbol version dropped): pprof's `system_name`. nil when not known.
    public let systemName: String?

    public init(short: String, clone: String? = nil, systemName: String? = nil) {
        self.short = short
        self.clone = clone
        self.systemName = systemName
    }

    public static func == (lhs: NameForms, rhs: NameForms) -> Bool {
        lhs === rhs || (lhs.short == rhs.short && lhs.clone == rhs.clone && lhs.systemName == rhs.systemName)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(short)
        hasher.combine(clone)
        hasher.combine(systemName)
    }

    public var description: String { clone.map { "\(short) [\($0)]" } ?? short }
}
