/// Short names for one module, decided once from all the function names it holds, so that
/// folding template arguments never makes two of its functions look the same: where
/// `JsonStringifier::Serialize_<true>` and `Serialize_<false>` would both fold to
/// `Serialize_<…>`, both keep their arguments (at the shallowest depth that tells them apart).
/// Built when a module is loaded and never changed, so a name's short form is stable for a
/// whole session; names not seen at build time follow the same decision.
public struct ShortNameTable: Sendable {
    /// Fold depths tried in order before keeping every template argument.
    static let depths = [1, 2, 3]
    /// For each depth in `depths`, the folded forms that two different names share.
    private let ambiguous: [Set<String>]

    /// An empty table: every name folds fully.
    public init() {
        ambiguous = Self.depths.map { _ in [] }
    }

    /// Decides from `fullNames` (demangled, any order, duplicates allowed).
    public init<Names: Sequence>(fullNames: Names) where Names.Element == String {
        // Only names with template arguments can collide by folding.
        var unfolded = Set<String>()
        for name in fullNames where name.utf8.contains(UInt8(ascii: "<")) {
            unfolded.insert(ShortName.of(name, foldDepth: nil))
        }
        ambiguous = Self.depths.map { depth in
            var owner: [String: String] = [:]
            var shared = Set<String>()
            for name in unfolded {
                let folded = ShortName.of(name, foldDepth: depth)
                if let first = owner[folded] {
                    if first != name { shared.insert(folded) }
                } else {
                    owner[folded] = name
                }
            }
            return shared
        }
    }

    /// True when some folded form needed its arguments kept.
    public var hasAmbiguities: Bool { ambiguous.contains { !$0.isEmpty } }

    /// The short form of the full name `full`.
    public func shortName(_ full: String) -> String {
        let first = ShortName.of(full, foldDepth: Self.depths[0])
        guard ambiguous[0].contains(first) else { return first }
        for (position, depth) in Self.depths.enumerated().dropFirst() {
            let folded = ShortName.of(full, foldDepth: depth)
            if !ambiguous[position].contains(folded) { return folded }
        }
        return ShortName.of(full, foldDepth: nil)
    }
}
