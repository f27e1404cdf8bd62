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

    /// Decides from `fullNames` (demangled, any order, duplicates allowed), however many: a
    /// compiler's hundreds of thousands of template symbols as well as a small program's.
    ///
    /// One parse per name, and while deciding two 64-bit hashes per distinct folded form
    /// (never the names themselves), so memory follows the number of forms, not their length.
    /// Only names whose folded forms meet are read again (`fullNames[index]`, so a lazy
    /// collection demangles just those twice), and the table keeps only the forms they share.
    public init<Names: Collection>(fullNames: Names) where Names.Element == String {
        var ambiguous = Self.depths.map { _ in Set<String>() }
        for group in Self.groupsMeetingWhenFolded(fullNames) {
            Self.decide(group.map { fullNames[$0] }, into: &ambiguous)
        }
        self.ambiguous = ambiguous
    }

    /// True when some folded form needed its arguments kept.
    public var hasAmbiguities: Bool { ambiguous.contains { !$0.isEmpty } }

    /// True when `full`'s short form is the plain one, `ShortName.of(full)`: what the screen
    /// derives for a frame without forms, so such a frame needs none.
    public func keepsPlainShortName(_ full: String) -> Bool {
        !hasAmbiguities || !ambiguous[0].contains(ShortName.of(full, foldDepth: Self.depths[0]))
    }

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

    // MARK: Deciding

    /// The positions of names whose fully folded forms (probably) meet while their unfolded
    /// forms differ, one group per folded form. A hash collision only puts a name in a group
    /// it does not belong to; `decide` compares the real forms.
    private static func groupsMeetingWhenFolded<Names: Collection>(_ names: Names) -> [[Names.Index]]
    where Names.Element == String {
        // Per folded form: the unfolded form of the first name seen with it, and where that name is.
        var first: [UInt64: (unfolded: UInt64, index: Names.Index)] = [:]
        var met: [UInt64: [Names.Index]] = [:]
        for index in names.indices {
            let name = names[index]
            // Only names with template arguments can meet by folding.
            guard name.utf8.contains(UInt8(ascii: "<")) else { continue }
            let forms = ShortName.forms(of: name, foldDepths: [depths[0], nil])
            guard !forms.isEmpty else { continue }
            let folded = hash(forms[0]), unfolded = hash(forms[1])
            guard let known = first[folded] else {
                first[folded] = (unfolded, index)
                continue
            }
            if known.unfolded != unfolded { met[folded, default: [known.index]].append(index) }
        }
        return Array(met.values)
    }

    /// Marks the forms that names of one group share, depth after depth: deeper depths only
    /// among the names that met at the shallower one. Each name is parsed once for all
    /// depths, forms are compared by hash, and only the shared ones become strings.
    private static func decide(_ names: [String], into ambiguous: inout [Set<String>]) {
        // Per distinct name (by its unfolded form): its forms at `depths`, and their hashes.
        var seen = Set<UInt64>()
        var forms: [[[UInt8]]] = []
        var hashes: [[UInt64]] = []
        for name in names {
            let all = ShortName.forms(of: name, foldDepths: [nil] + depths.map(Optional.some))
            guard !all.isEmpty, seen.insert(hash(all[0])).inserted else { continue }
            forms.append(Array(all.dropFirst()))
            hashes.append(all.dropFirst().map(hash))
        }
        var candidates = Array(forms.indices)
        for position in depths.indices {
            var holders: [UInt64: Int] = [:]
            for name in candidates { holders[hashes[name][position], default: 0] += 1 }
            candidates = candidates.filter { holders[hashes[$0][position], default: 0] > 1 }
            var marked = Set<UInt64>()
            for name in candidates where marked.insert(hashes[name][position]).inserted {
                ambiguous[position].insert(String(decoding: forms[name][position], as: UTF8.self))
            }
            if candidates.isEmpty { break }
        }
    }

    private static func hash(_ bytes: [UInt8]) -> UInt64 {
        var hasher = Hasher()
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        return UInt64(truncatingIfNeeded: hasher.finalize())
    }
}
