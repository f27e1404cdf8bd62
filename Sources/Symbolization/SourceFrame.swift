/// One frame DWARF gives for an address, before display options apply: the symbol name as
/// stored (mangled where the language mangles), and where in the source it is.
struct SourceFrame: Hashable, Sendable {
    var name: String?
    var file: String?
    var line: Int?
    var isInlined: Bool
}
