/// Reads folded stacks: our own `FoldedWriter` output and the common producers —
/// stackcollapse-perf.pl (`comm;f1;f2 123`), bcc `profile -f` (`_[k]` kernel frames and a `-`
/// frame between user and kernel stacks with `-d`), py-spy `--format raw`
/// (`process (pid);func (file.py:12) 7`).
public struct FoldedReader: Sendable {
    public struct Options: Sendable, Equatable {
        /// Read each stack's first frame as the process (`comm`) root that stackcollapse-perf
        /// and system-wide `flametop record` put there; otherwise it is an ordinary user frame.
        public var rootIsProcess: Bool
        /// Split `func (file.c:42)` into the function and its source position, and
        /// `module+0xSTART (+0x9)` into the function and its offset: the inverse of
        /// `FoldedWriter.Options.includeLines` and py-spy's frame style.
        public var parseSourcePositions: Bool

        public init(rootIsProcess: Bool = false, parseSourcePositions: Bool = true) {
            self.rootIsProcess = rootIsProcess
            self.parseSourcePositions = parseSourcePositions
        }
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Reads a whole folded file's text. Lines end in `\n` or `\r\n`.
    public func read(_ text: String) throws(FoldedReadError) -> StackCounts {
        var counts = StackCounts()
        var total: UInt64 = 0
        try forEachLine(of: text) { (line, lineNumber) throws(FoldedReadError) in
            try add(line, lineNumber: lineNumber, to: &counts, total: &total)
        }
        return counts
    }

    /// Reads UTF-8 bytes (a file's contents); invalid sequences become U+FFFD.
    public func read(utf8 bytes: some Collection<UInt8>) throws(FoldedReadError) -> StackCounts {
        try read(String(decoding: bytes, as: UTF8.self))
    }

    /// Reads a whole folded file's text into a compact `StackTable`: each distinct frame text
    /// is parsed once, and a stack costs 4 bytes a frame. Linear in the text, whatever the
    /// depth of its stacks; a file past the table's limits is an error, not a crash.
    public func readTable(_ text: String) throws(FoldedReadError) -> StackTable {
        var table = StackTable()
        var total: UInt64 = 0
        // Frame text → frame index; a first frame is a process root when `rootIsProcess`, so
        // roots keep their own cache.
        var known = FrameTextIndex()
        var knownRoots = FrameTextIndex()
        var stack: [Int32] = []
        try forEachLine(of: text) { (line, lineNumber) throws(FoldedReadError) in
            stack.removeAll(keepingCapacity: true)
            guard let (count, trimmed) = try scan(line: line, lineNumber: lineNumber, frame: { bytes, text, isRoot in
                let asRoot = isRoot && options.rootIsProcess
                let hash = FrameInterner.hash(bytes: bytes)
                if let index = asRoot ? knownRoots.value(for: bytes, hash: hash) : known.value(for: bytes, hash: hash) {
                    stack.append(index)
                    return true
                }
                guard let frame = frame(from: text(), isRoot: isRoot) else { return false }
                let index = table.intern(frame)
                if asRoot {
                    knownRoots.insert(bytes, hash: hash, value: index)
                } else {
                    known.insert(bytes, hash: hash, value: index)
                }
                stack.append(index)
                return true
            }) else { return }
            let (sum, overflow) = total.addingReportingOverflow(count)
            guard !overflow else {
                throw FoldedReadError(lineNumber: lineNumber, line: trimmed, reason: .totalTooLarge)
            }
            guard table.frameCount + stack.count <= StackTable.frameLimit else {
                throw FoldedReadError(lineNumber: lineNumber, line: trimmed,
                                      reason: .tooManyFrames(limit: StackTable.frameLimit))
            }
            total = sum
            table.append(frameIndices: stack, count: count)
        }
        return table
    }

    /// Reads lines that are already split (line breaks removed), numbering them from 1.
    public func read<Lines: Sequence>(lines: Lines) throws(FoldedReadError) -> StackCounts
    where Lines.Element: StringProtocol {
        var counts = StackCounts()
        var total: UInt64 = 0
        for (offset, line) in lines.enumerated() {
            try add(Substring(line), lineNumber: offset + 1, to: &counts, total: &total)
        }
        return counts
    }

    private func forEachLine(
        of text: String, _ body: (Substring, Int) throws(FoldedReadError) -> Void
    ) throws(FoldedReadError) {
        var lineNumber = 0
        let bytes = text.utf8
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
            lineNumber += 1
            try body(Substring(bytes[start..<end]), lineNumber)
            start = end == bytes.endIndex ? end : bytes.index(after: end)
        }
    }

    private func add(_ line: Substring, lineNumber: Int, to counts: inout StackCounts,
                     total: inout UInt64) throws(FoldedReadError) {
        guard let (stack, count) = try parse(line: line, lineNumber: lineNumber) else { return }
        let (sum, overflow) = total.addingReportingOverflow(count)
        guard !overflow else {
            throw FoldedReadError(lineNumber: lineNumber, line: line, reason: .totalTooLarge)
        }
        total = sum
        counts.add(stack, count: count)
    }

    /// Parses one line (without its `\n`); nil for a blank line or a `#` comment.
    public func parse(line rawLine: Substring,
                      lineNumber: Int) throws(FoldedReadError) -> (stack: Stack, count: UInt64)? {
        var frames: [Frame] = []
        guard let (count, _) = try scan(line: rawLine, lineNumber: lineNumber, frame: { _, text, isRoot in
            guard let frame = frame(from: text(), isRoot: isRoot) else { return false }
            frames.append(frame)
            return true
        }) else { return nil }
        return (Stack(frames), count)
    }

    /// Checks one line and hands each frame's text (its bytes, a maker of it as a `Substring`
    /// for when the bytes are not enough, and whether it is the first) to `frame`, which
    /// returns false when nothing names the frame. Returns the count and the line without
    /// trailing blanks; nil for a blank line or a `#` comment.
    private func scan(line rawLine: Substring, lineNumber: Int,
                      frame: (UnsafeRawBufferPointer, () -> Substring, Bool) -> Bool)
        throws(FoldedReadError) -> (UInt64, Substring)? {
        let line = Self.trimmingTrailingWhitespace(rawLine)
        guard let first = line.utf8.first, first != UInt8(ascii: "#") else { return nil }
        func failure(_ reason: FoldedReadError.Reason) -> FoldedReadError {
            FoldedReadError(lineNumber: lineNumber, line: line, reason: reason)
        }

        // flamegraph.pl, inferno and speedscope all take the count from after the last space;
        // names before it may contain spaces (C++ signatures, py-spy's `func (file:line)`).
        guard let space = line.utf8.lastIndex(of: FoldedSyntax.countSeparator) else {
            throw failure(.missingCount)
        }
        let countText = Substring(line.utf8[line.utf8.index(after: space)...])
        let count = try Self.count(from: countText, failure: failure)
        let stackText = Substring(line.utf8[..<space])
        guard !stackText.isEmpty else { throw failure(.emptyStack) }
        // Our writer's spelling of an empty stack.
        if stackText == FoldedSyntax.unknown { return (count, line) }

        var position = 0
        var named = 0
        var unnamed: Int?
        let utf8 = stackText.utf8
        // Frames are found by walking the bytes: the generic split over a UTF8View took a
        // fifth of a large read. Indices come from byte offsets, O(1) in a UTF-8 string.
        let walked: Void? = utf8.withContiguousStorageIfAvailable { bytes in
            var start = 0
            for end in 0...bytes.count where end == bytes.count || bytes[end] == FoldedSyntax.frameSeparator {
                position += 1
                defer { start = end + 1 }
                if end - start == 1 && bytes[start] == UInt8(ascii: "-") { continue }
                let frameBytes = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<end]))
                guard frame(frameBytes, {
                    Substring(utf8[utf8.index(utf8.startIndex, offsetBy: start)..<utf8.index(utf8.startIndex, offsetBy: end)])
                }, position == 1) else {
                    unnamed = position
                    return
                }
                named += 1
            }
        }
        if walked == nil {
            for text in utf8.split(separator: FoldedSyntax.frameSeparator, omittingEmptySubsequences: false) {
                position += 1
                let frameText = Substring(text)
                if frameText == FoldedSyntax.userKernelDelimiter { continue }
                let copy = Array(frameText.utf8)
                guard copy.withUnsafeBytes({ frame($0, { frameText }, position == 1) }) else {
                    unnamed = position
                    break
                }
                named += 1
            }
        }
        if let unnamed { throw failure(.emptyFrame(position: unnamed)) }
        guard named > 0 else { throw failure(.emptyStack) }
        return (count, line)
    }

    private static func count(from text: Substring,
                              failure: (FoldedReadError.Reason) -> FoldedReadError)
        throws(FoldedReadError) -> UInt64 {
        guard !text.isEmpty else { throw failure(.missingCount) }
        var value: UInt64 = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw failure(.invalidCount(String(text)))
            }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw failure(.countTooLarge(String(text))) }
            value = sum
        }
        return value
    }

    /// nil when nothing names the frame.
    private func frame(from text: Substring, isRoot: Bool) -> Frame? {
        var name = text
        var kind: Frame.Kind = isRoot && options.rootIsProcess ? .process : .user
        var isInlined = false
        if let annotation = Self.annotation(of: name) {
            name = Substring(name.utf8.dropLast(4))
            switch annotation {
            case .kernel: kind = .kernel
            case .inlined: isInlined = true
            case .jit, .waker: break
            }
        }
        var sourceFile: String?
        var line: Int?
        var offset: UInt64?
        if options.parseSourcePositions, let (function, position) = Self.splitPosition(name) {
            name = function
            switch position {
            case let .source(location):
                sourceFile = location.file
                line = location.line
            case let .offset(value):
                offset = value
            }
        }
        guard !name.isEmpty else { return nil }
        return Frame(function: String(name), kind: kind, isInlined: isInlined,
                     sourceFile: sourceFile, line: line, offsetInFunction: offset)
    }

    private static func annotation(of name: Substring) -> FoldedSyntax.Annotation? {
        let bytes = name.utf8
        guard bytes.count > 4, bytes.last == UInt8(ascii: "]") else { return nil }
        let tail = bytes.suffix(4)
        var index = tail.startIndex
        guard tail[index] == UInt8(ascii: "_") else { return nil }
        index = tail.index(after: index)
        guard tail[index] == UInt8(ascii: "[") else { return nil }
        index = tail.index(after: index)
        return FoldedSyntax.Annotation(rawValue: tail[index])
    }

    /// `func (dir/file.py:12)` → (`func`, file.py:12), `lib.so+0x15bc0 (+0x9)` → (`lib.so+0x15bc0`,
    /// offset 9). Only a whole-number line after the last `:` counts, so `process (1234)` and
    /// `f(int)` stay names.
    private static func splitPosition(_ name: Substring) -> (Substring, FramePosition)? {
        let bytes = name.utf8
        guard bytes.last == UInt8(ascii: ")"),
              let open = bytes.lastIndex(of: UInt8(ascii: "(")), open > bytes.startIndex else {
            return nil
        }
        let beforeOpen = bytes.index(before: open)
        guard bytes[beforeOpen] == UInt8(ascii: " ") else { return nil }
        let inside = Substring(bytes[bytes.index(after: open)..<bytes.index(before: bytes.endIndex)])
        let function = Substring(bytes[..<beforeOpen])
        if let offset = Self.offset(inside) {
            return function.isEmpty ? nil : (function, .offset(offset))
        }
        guard let colon = inside.utf8.lastIndex(of: UInt8(ascii: ":")) else { return nil }
        let file = Substring(inside.utf8[..<colon])
        let lineText = Substring(inside.utf8[inside.utf8.index(after: colon)...])
        guard !file.isEmpty, !lineText.isEmpty,
              lineText.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let line = Int(lineText) else {
            return nil
        }
        guard !function.isEmpty else { return nil }
        return (function, .source(SourcePosition(file: String(file), line: line)))
    }

    /// The offset of `+0x9` (what the writer makes of `FramePosition.offset`), else nil.
    private static func offset(_ text: Substring) -> UInt64? {
        let digits = text.dropFirst(3)
        // `UInt64(_:radix:)` would also take a sign: `(+0x+9)` is no offset.
        guard text.hasPrefix("+0x"), !digits.isEmpty, digits.allSatisfy(\.isHexDigit) else { return nil }
        return UInt64(digits, radix: 16)
    }

    private static func trimmingTrailingWhitespace(_ line: Substring) -> Substring {
        var end = line.utf8.endIndex
        while end > line.utf8.startIndex {
            let before = line.utf8.index(before: end)
            let byte = line.utf8[before]
            guard byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
                    || byte == UInt8(ascii: "\r") else { break }
            end = before
        }
        return Substring(line.utf8[..<end])
    }
}
