/// Writes stack counts as folded stacks, one line per unique stack: `main;run;hot 123`.
/// The output feeds flamegraph.pl, inferno and speedscope, and reads back with `FoldedReader`.
public struct FoldedWriter: Sendable {
    public struct Options: Sendable, Equatable {
        /// Write `func (file.c:42)` for frames whose file and line are known (py-spy's style),
        /// and `module+0xSTART (+0x9)` for stripped code's offset inside its function.
        public var includeLines: Bool

        public init(includeLines: Bool = false) {
            self.includeLines = includeLines
        }
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// One frame as it appears between the semicolons.
    public func text(for frame: Frame) -> String {
        var text = frame.function.isEmpty ? FoldedSyntax.unknown : FoldedSyntax.sanitized(frame.function)
        if options.includeLines {
            switch frame.position {
            case let .source(location)?:
                text += " (\(FoldedSyntax.sanitized(String(location.fileName))):\(location.line))"
            case let .offset(offset)?:
                text += " (\(FramePosition.offsetText(offset)))"
            case nil:
                break
            }
        }
        // `.process` roots stay plain: stackcollapse-perf writes the comm the same way.
        if frame.kind == .kernel { text += FoldedSyntax.Annotation.kernel.suffix }
        return text
    }

    /// The stack part of a line: frames root → leaf joined by `;`.
    public func stackText(for stack: Stack) -> String {
        guard !stack.isEmpty else { return FoldedSyntax.unknown }
        var text = ""
        for (position, frame) in stack.frames.enumerated() {
            if position > 0 { text += ";" }
            text += self.text(for: frame)
        }
        return text
    }

    /// One line without its line break.
    public func line(for stack: Stack, count: UInt64) -> String {
        stackText(for: stack) + " " + String(count)
    }

    /// All lines, ordered by count (highest first) and then by text, so equal profiles give
    /// byte-identical files whatever order the dictionary holds them in. Stacks that only differ
    /// in what the format cannot show (a `;` against a `:`, a source line without
    /// `includeLines`, inlining) share one line with their counts summed.
    public func lines(_ counts: StackCounts) -> [String] {
        var merged: [String: UInt64] = [:]
        merged.reserveCapacity(counts.uniqueStacks)
        for (stack, count) in counts.counts {
            merged[stackText(for: stack), default: 0] += count
        }
        let rows = merged.sorted { left, right in
            left.value != right.value ? left.value > right.value : left.key < right.key
        }
        return rows.map { $0.key + " " + String($0.value) }
    }

    /// The whole profile as one string, each line ending in `\n`.
    public func write(_ counts: StackCounts) -> String {
        var text = ""
        write(counts) { line in
            text += line
            text += "\n"
        }
        return text
    }

    /// Hands each line (without its line break) to `emit` in output order, so a large profile
    /// can go to a file without first becoming one large string.
    public func write<Failure: Error>(
        _ counts: StackCounts, emit: (String) throws(Failure) -> Void
    ) throws(Failure) {
        for line in lines(counts) { try emit(line) }
    }
}
