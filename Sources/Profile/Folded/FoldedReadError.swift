/// A folded-stack line that could not be read, with where it is and what was wrong with it.
public struct FoldedReadError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// No space before a sample count at the end of the line.
        case missingCount
        /// The text after the last space is not a non-negative whole number.
        case invalidCount(String)
        /// The count is a number but does not fit in 64 bits.
        case countTooLarge(String)
        /// Nothing before the count.
        case emptyStack
        /// Two semicolons with nothing between them (1-based frame position).
        case emptyFrame(position: Int)
        /// The counts read so far add up to more than 64 bits hold.
        case totalTooLarge
        /// The file holds more frames, in all, than a profile can (`StackTable.frameLimit`).
        case tooManyFrames(limit: Int)
    }

    /// 1-based, counting blank and comment lines too, so an editor jumps straight to it.
    public let lineNumber: Int
    /// The offending line, cut to `quoteLimit` characters.
    public let line: String
    public let reason: Reason

    static let quoteLimit = 120

    public init(lineNumber: Int, line: some StringProtocol, reason: Reason) {
        self.lineNumber = lineNumber
        self.reason = reason
        if line.count > Self.quoteLimit {
            self.line = String(line.prefix(Self.quoteLimit)) + "…"
        } else {
            self.line = String(line)
        }
    }

    public var hint: String {
        switch reason {
        case .missingCount, .invalidCount, .emptyStack:
            "each line must be `frame;frame;… COUNT`: frames root to leaf, a space, a whole number"
        case .countTooLarge, .totalTooLarge:
            "sample counts must fit in an unsigned 64-bit integer; is this really a sample count?"
        case .emptyFrame:
            "remove the empty frame (`;;` or a trailing `;`), or name it `[unknown]`"
        case .tooManyFrames:
            "split the file, or fold it further (merge or cut the deepest stacks)"
        }
    }

    public var description: String {
        let what = switch reason {
        case .missingCount: "no sample count after the last space"
        case .invalidCount(let text): "sample count \"\(text)\" is not a non-negative whole number"
        case .countTooLarge(let text): "sample count \(text) is too large"
        case .emptyStack: "no frames before the sample count"
        case .emptyFrame(let position): "frame \(position) is empty"
        case .totalTooLarge: "the sample counts add up to more than 2^64-1"
        case .tooManyFrames(let limit): "more than \(limit) frames in all"
        }
        return "folded stacks, line \(lineNumber): \(what): \"\(line)\" (\(hint))"
    }
}
