/// The pieces of the folded ("collapsed") stack format that the writer and reader share.
/// Format origin: Brendan Gregg's FlameGraph, `stackcollapse-*.pl` → `flamegraph.pl`.
enum FoldedSyntax {
    static let frameSeparator: UInt8 = UInt8(ascii: ";")
    static let countSeparator: UInt8 = UInt8(ascii: " ")
    /// What an empty stack (or a frame without a name) is written as; perf and flamegraph.pl use
    /// the same word for frames they could not name.
    static let unknown = "[unknown]"
    /// bcc's `profile -f -d` puts this frame between the user and the kernel part of a stack.
    static let userKernelDelimiter = "-"

    /// Annotations flamegraph.pl understands (`--colors`): `_[k]` kernel, `_[j]` JIT,
    /// `_[i]` inlined, `_[w]` waker stacks (offwaketime).
    enum Annotation: UInt8 {
        case kernel = 107 // k
        case jit = 106 // j
        case inlined = 105 // i
        case waker = 119 // w

        var suffix: String { "_[\(Character(Unicode.Scalar(rawValue)))]" }
    }

    /// Makes a name safe inside a folded line: `;` would split the frame and a line break would
    /// split the line, so they become `:` and a space. Plain spaces stay, since every consumer
    /// takes the count from after the *last* space.
    static func sanitized(_ name: String) -> String {
        guard name.utf8.contains(where: needsReplacement) else { return name }
        var result = String.UnicodeScalarView()
        for scalar in name.unicodeScalars {
            switch scalar {
            case ";": result.append(":")
            case "\n", "\r", "\t": result.append(" ")
            default: result.append(scalar)
            }
        }
        return String(result)
    }

    private static func needsReplacement(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ";") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\t")
    }
}
