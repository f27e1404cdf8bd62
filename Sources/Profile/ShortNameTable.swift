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

    /// Decides from `fullNames` (demangled, any order, duplicates allowed). Only names that
    /// share a folded form are looked at more closely, so a module costs one parse per name.
    public init<Names: Sequence>(fullNames: Names) where Names.Element == String {
        // Only names with template arguments can collide by folding.
        var groups: [String: [String]] = [:]
        for name in fullNames where name.utf8.contains(UInt8(ascii: "<")) {
            groups[ShortName.of(name, foldDepth: Self.depths[0]), default: []].append(name)
        }
        var ambiguous = Self.depths.map { _ in Set<String>() }
        for (folded, names) in groups where names.count > 1 {
            let distinct = Set(names.map { ShortName.of($0, foldDepth: nil) })
            guard distinct.count > 1 else { continue }
            ambiguous[0].insert(folded)
            // Deeper depths only among the names that met at the shallower one.
            var candidates = Array(distinct)
            for position in Self.depths.indices.dropFirst() {
                var owner: [String: String] = [:]
                var shared = Set<String>()
                for name in candidates {
                    let form = ShortName.of(name, foldDepth: Self.depths[position])
                    if let first = owner[form], first != name { shared.insert(form) } else { owner[form] = name }
                }
                ambiguous[position].formUnion(shared)
                candidates = candidates.filter { shared.contains(ShortName.of($0, foldDepth: Self.depths[position])) }
                if candidates.isEmpty { break }
            }
        }
        self.ambiguous = ambiguous
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
