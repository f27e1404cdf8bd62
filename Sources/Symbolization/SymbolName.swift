import Profile

/// The forms of one symbol name as the binary stores it: the raw name without its ELF
/// symbol version, the readable (demangled) full name without GCC's ` [clone …]` suffix,
/// and the clone kind kept apart, so `f.constprop.0` and `f` name one function.
struct SymbolName: Hashable, Sendable {
    /// As stored, less a symbol version (`__libc_start_main@@GLIBC_2.34` → `__libc_start_main`).
    var raw: String
    /// Demangled where mangled; the `nm -C` name without `[clone …]`.
    var readable: String
    /// The clone suffix without its leading dot (`constprop.0`, `isra.0.cold`), nil for none.
    var clone: String?

    /// Suffixes GCC (ipa-cp, ipa-sra, ipa-split, hot/cold partitioning, LTO) and LLVM
    /// (ThinLTO promotion, hot/cold splitting) append to a function's symbol.
    static let cloneKinds: Set<Substring> = ["constprop", "isra", "part", "cold", "lto_priv", "localalias", "clone",
                                             "llvm", "specialized"]

    init(stored: String) {
        raw = Self.withoutVersion(stored)
        if Demangler.isSwift(raw) {
            readable = Demangler.demangle(raw) ?? raw
            clone = nil
            return
        }
        let (base, clone) = Self.splitClone(raw)
        self.clone = clone
        if let demangled = Demangler.demangle(base) {
            readable = demangled
        } else {
            readable = base
        }
    }

    /// `name@VERSION` and `name@@VERSION` (the default version) as `.symtab` spells versioned symbols.
    static func withoutVersion(_ name: String) -> String {
        guard let at = name.utf8.firstIndex(of: UInt8(ascii: "@")), at != name.utf8.startIndex else { return name }
        return String(name[..<at])
    }

    /// Splits `name` before the first `.KIND` suffix of `cloneKinds` (every later part stays
    /// in the clone: `foo.isra.0.cold`).
    static func splitClone(_ name: String) -> (base: String, clone: String?) {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count > 1, let first = parts.indices.dropFirst().first(where: { cloneKinds.contains(parts[$0]) })
        else { return (name, nil) }
        return (parts[..<first].joined(separator: "."), parts[first...].joined(separator: "."))
    }
}
