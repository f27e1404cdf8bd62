/// The screen form of a function's full (demangled) name: no return type, no parameter
/// list, no `[clone …]` suffix and no symbol version, template arguments folded to `<…>`
/// from a given nesting depth on. `perf report` shows the same kind of name.
///
/// Reads the shapes the demanglers print: Itanium C++ (`void app::f<int>(int) const`,
/// `operator<<`, `(anonymous namespace)::g`, `main::{lambda(int, int)#1}::operator()`),
/// Rust (`<alloc::vec::Vec<T> as core::ops::Drop>::drop`) and Swift (`demo.f(Swift.Int) -> Swift.Int`).
/// A name it cannot read comes back with only the suffixes removed.
public enum ShortName {
    /// The short form of `full`, folding template arguments at nesting depth `foldDepth`
    /// (1: every `<…>`; 2: only those inside another) and deeper; nil keeps them all.
    public static func of(_ full: String, foldDepth: Int? = 1) -> String {
        let name = Array(withoutSuffixes(full).utf8)
        let (start, end) = nameSpan(name)
        return String(decoding: fold(name[start..<end], foldDepth: foldDepth), as: UTF8.self)
    }

    /// The short forms of `full` at each of `foldDepths`, as UTF-8, from one reading of its
    /// name: what deciding a module's table costs per name.
    /// An empty list when the name itself (not its return type or parameters) has no `<`:
    /// then no depth folds anything.
    static func forms(of full: String, foldDepths: [Int?]) -> [[UInt8]] {
        let name = Array(withoutSuffixes(full).utf8)
        let (start, end) = nameSpan(name)
        let span = name[start..<end]
        guard span.contains(UInt8(ascii: "<")) else { return [] }
        // Folding at no depth keeps every byte: only the spaces around go.
        return foldDepths.map { $0 == nil ? trimmed(Array(span)) : fold(span, foldDepth: $0) }
    }

    /// `full` without trailing ` [clone .constprop.0]` groups and without an ELF symbol
    /// version (`__libc_start_main@@GLIBC_2.34`).
    public static func withoutSuffixes(_ full: String) -> String {
        // Bytes, not Characters: grapheme breaking made this a third of a module's table build.
        let utf8 = full.utf8
        var end = utf8.endIndex
        while end > utf8.startIndex, utf8[utf8.index(before: end)] == UInt8(ascii: "]"),
              let clone = lastCloneGroup(in: utf8[..<end]) {
            end = clone
        }
        if let at = utf8[..<end].firstIndex(of: UInt8(ascii: "@")),
           !utf8[at..<end].contains(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "(") }) {
            end = at
        }
        return end == utf8.endIndex ? full : String(Substring(utf8[..<end]))
    }

    private static let cloneMarker = Array(" [clone ".utf8)

    /// Where the last ` [clone ` of `text` starts.
    private static func lastCloneGroup(in text: Substring.UTF8View) -> String.Index? {
        var start = text.endIndex
        while let space = text[..<start].lastIndex(of: UInt8(ascii: " ")) {
            if text[space...].starts(with: cloneMarker) { return space }
            start = space
        }
        return nil
    }

    // MARK: Parsing

    /// The closing bracket of an opening one (a switch: this runs for every byte of every name).
    @inline(__always)
    private static func closer(of byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "("): UInt8(ascii: ")")
        case UInt8(ascii: "<"): UInt8(ascii: ">")
        case UInt8(ascii: "["): UInt8(ascii: "]")
        case UInt8(ascii: "{"): UInt8(ascii: "}")
        default: nil
        }
    }
    private static let operatorCharacters = Set("+-*/%^&|~!=<>,".utf8)
    private static let operatorSpellings: [[UInt8]] = [
        "<<=", ">>=", "->*", "<=>", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "++", "--", "->",
        "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
    ].map { Array($0.utf8) }

    private static func isNameCharacter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$")
            || byte >= 0x80
    }

    /// The length of an `operator…` token starting at `index` (`operator<<`, `operator()`,
    /// `operator new[]`), or nil when no operator keyword starts there.
    private static let keyword = Array("operator".utf8)

    private static func operatorLength(_ name: [UInt8], at index: Int) -> Int? {
        // Called at every byte: the first letter rules out almost all of them.
        guard name[index] == UInt8(ascii: "o"), index + keyword.count <= name.count,
              index == 0 || !isNameCharacter(name[index - 1]) else { return nil }
        for offset in 1..<keyword.count where name[index + offset] != keyword[offset] { return nil }
        var end = index + keyword.count
        guard end < name.count, !isNameCharacter(name[end]) else { return end == name.count ? end - index : nil }
        if name[end] == UInt8(ascii: "("), end + 1 < name.count, name[end + 1] == UInt8(ascii: ")") { return end + 2 - index }
        if name[end] == UInt8(ascii: "["), end + 1 < name.count, name[end + 1] == UInt8(ascii: "]") { return end + 2 - index }
        if name[end] == UInt8(ascii: "\"") {
            // A literal operator: operator"" _suffix.
            end += 1
            while end < name.count, name[end] != UInt8(ascii: "(") { end += 1 }
            return end - index
        }
        if operatorCharacters.contains(name[end]) {
            // The longest spelling that fits: `operator-<int*>` is `operator-` with template arguments.
            for spelling in operatorSpellings where name.count - end >= spelling.count
                && spelling.indices.allSatisfy({ name[end + $0] == spelling[$0] }) {
                return end + spelling.count - index
            }
            return end + 1 - index
        }
        // `operator new`, `operator delete[]`, a conversion `operator unsigned long`: up to the parameters.
        var depth = 0
        while end < name.count {
            let byte = name[end]
            if byte == UInt8(ascii: "<") { depth += 1 } else if byte == UInt8(ascii: ">") { depth -= 1 }
            if depth == 0, byte == UInt8(ascii: "(") { break }
            end += 1
        }
        return end - index
    }

    /// The qualified name between the return type and the parameter list, as byte offsets.
    private static func nameSpan(_ name: [UInt8]) -> (Int, Int) {
        var closers: [UInt8] = []
        var start = 0
        var index = 0
        while index < name.count {
            if closers.isEmpty, let length = operatorLength(name, at: index) {
                index += length
                // `operator<< <std::char_traits<char> >`: the space opens the operator's template arguments.
                if index + 1 < name.count, name[index] == UInt8(ascii: " "), name[index + 1] == UInt8(ascii: "<") { index += 1 }
                if index < name.count, name[index] == UInt8(ascii: "(") { return (start, index) }
                continue
            }
            let byte = name[index]
            if let closer = closer(of: byte) {
                // Parameters follow a name (or an operator, skipped above); a `(` that starts a
                // segment is `(anonymous namespace)`.
                if closers.isEmpty, byte == UInt8(ascii: "("), index > start,
                   isNameCharacter(name[index - 1]) || name[index - 1] == UInt8(ascii: ">") {
                    return (start, index)
                }
                closers.append(closer)
            } else if let last = closers.last, byte == last {
                closers.removeLast()
            } else if closers.isEmpty, byte == UInt8(ascii: " ") {
                // A space outside every bracket ends a return type (or Swift's `… of` prefixes).
                start = index + 1
            }
            index += 1
        }
        return (start, name.count)
    }

    /// Replaces the contents of template argument lists at `foldDepth` and deeper with `…`.
    /// A `<` that starts a segment (Rust's `<T as Trait>::f`) is a path, not a template.
    private static func fold(_ name: ArraySlice<UInt8>, foldDepth: Int?) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(name.count)
        var closers: [UInt8] = []
        // For each open bracket: whether it is a template list, and whether its contents are dropped.
        var isTemplateList: [Bool] = []
        var isDropped: [Bool] = []
        var templateDepth = 0
        let ellipsis = Array("…".utf8)
        var index = name.startIndex
        let bytes = Array(name)
        /// Where the last operator token ended (its template arguments may follow after a space).
        var afterOperator = -2
        func dropping() -> Bool { isDropped.last ?? false }
        while index < name.endIndex {
            let position = index - name.startIndex
            if let length = operatorLength(bytes, at: position) {
                if !dropping() { output.append(contentsOf: bytes[position..<position + length]) }
                index += length
                afterOperator = index
                continue
            }
            let byte = name[index]
            if let closer = closer(of: byte) {
                let isTemplate = byte == UInt8(ascii: "<") && position > 0
                    && (isNameCharacter(bytes[position - 1]) || bytes[position - 1] == UInt8(ascii: ">")
                        || index == afterOperator
                        || (index == afterOperator + 1 && bytes[position - 1] == UInt8(ascii: " ")))
                let outerDropped = dropping()
                if isTemplate { templateDepth += 1 }
                let drop = outerDropped || (isTemplate && foldDepth.map { templateDepth >= $0 } ?? false)
                if !outerDropped {
                    output.append(byte)
                    if drop { output.append(contentsOf: ellipsis) }
                }
                closers.append(closer)
                isTemplateList.append(isTemplate)
                isDropped.append(drop)
            } else if let last = closers.last, byte == last {
                isDropped.removeLast()
                closers.removeLast()
                if isTemplateList.removeLast() { templateDepth -= 1 }
                if !dropping() { output.append(byte) }
            } else if !dropping() {
                output.append(byte)
            }
            index += 1
        }
        return trimmed(output)
    }

    private static func trimmed(_ bytes: [UInt8]) -> [UInt8] {
        let space = UInt8(ascii: " ")
        guard bytes.first == space || bytes.last == space else { return bytes }
        guard let first = bytes.firstIndex(where: { $0 != space }),
              let last = bytes.lastIndex(where: { $0 != space }) else { return [] }
        return Array(bytes[first...last])
    }
}
