import Foundation

/// The out-of-line functions of an ELF file as binutils' `nm -C -S` names them: the
/// reference C++ function names are compared with (`Addr2Line` for inlined calls).
public enum BinutilsNames {
    public struct Function: Sendable, Equatable {
        public var range: Range<UInt64>
        /// As `nm -C` prints it, `[clone …]` suffix included.
        public var name: String
        /// Without the ` [clone …]` groups.
        public var unclonedName: String {
            var text = name
            while text.hasSuffix("]"), let clone = text.range(of: " [clone ", options: .backwards) {
                text = String(text[..<clone.lowerBound])
            }
            // Names nm does not demangle keep GCC's suffix as it is: `main.cold`, `f.part.0`.
            if !text.contains("("), let dot = text.firstIndex(of: ".") { text = String(text[..<dot]) }
            return text
        }
    }

    /// The sized code symbols (`t`/`T`/`W`) of `file`, sorted by address.
    public static func functions(in file: String) throws -> [Function] {
        let output = try Command.check(["nm", "-C", "-S", "--defined-only", file]).stdout
        var result: [Function] = []
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 3)
            guard fields.count == 4, "tTwW".contains(fields[2]), let start = UInt64(fields[0], radix: 16),
                  let size = UInt64(fields[1], radix: 16), size > 0 else { continue }
            result.append(Function(range: start..<(start + size), name: String(fields[3])))
        }
        return result.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }
}
