/// What a frame's name looks like besides its full form: the short form the screen shows
/// and the compiler clone the code sits in. One shared instance per distinct pair, held by
/// reference so a frame grows by one pointer, not by two strings.
public final class NameForms: Hashable, Sendable, CustomStringConvertible {
    /// The short form (`ShortName`): no return type, parameters or symbol version.
    public let short: String
    /// The clone GCC or LLVM made of the function (`constprop.0`, `isra.0`, `part.0`, `cold`):
    /// a mark on the frame, not a function of its own.
    public let clone: String?

    public init(short: String, clone: String? = nil) {
        self.short = short
        self.clone = clone
    }

    public static func == (lhs: NameForms, rhs: NameForms) -> Bool {
        lhs === rhs || (lhs.short == rhs.short && lhs.clone == rhs.clone)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(short)
        hasher.combine(clone)
    }

    public var description: String { clone.map { "\(short) [\($0)]" } ?? short }
}
