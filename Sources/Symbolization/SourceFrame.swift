/// One frame DWARF gives for an address, before display options apply: the symbol name as
/// stored (mangled where the language mangles), and where in the source it is.
struct SourceFrame: Hashable, Sendable {
    var name: String?
    var file: String?
    var line: Int?
    var isInlined: Bool
    /// False when `name` is DWARF's plain name (qualified by its scopes) for want of a linkage name.
    var isLinkageName: Bool = true
    /// For a plain name: where an out-of-line instance of the function starts, whose ELF
    /// symbol holds the linkage name.
    var outOfLineEntry: UInt64?
}
