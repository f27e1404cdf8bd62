import CElfutils
import Glibc

/// Readable names for mangled symbols, in process (no tool is run per symbol): C++
/// (Itanium) and Rust (legacy and v0) through libiberty, Swift through the Swift runtime's
/// own `swift_demangle`. Names that are not mangled come back as nil.
public enum Demangler {
    public static func demangle(_ name: String) -> String? {
        if isSwift(name) { return swiftDemangled(name) }
        guard name.hasPrefix("_Z") || name.hasPrefix("_R") else { return nil }
        guard let text = flametop_demangle_native(name) else { return nil }
        defer { free(text) }
        return String(cString: text)
    }

    /// Swift 5+ (`$s`), its pre-stable forms (`$S`, `_T0`) and embedded Swift (`$e`);
    /// `_$s` is the Darwin spelling.
    static func isSwift(_ name: String) -> Bool {
        name.hasPrefix("$s") || name.hasPrefix("$S") || name.hasPrefix("$e") || name.hasPrefix("_T0")
            || name.hasPrefix("_$s")
    }

    private static func swiftDemangled(_ name: String) -> String? {
        name.withCString { bytes in
            guard let text = swift_demangle(bytes, strlen(bytes), nil, nil, 0) else { return nil }
            defer { free(text) }
            return String(cString: text)
        }
    }
}
