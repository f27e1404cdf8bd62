/// Where in its function a frame executed, as the screen and `--lines` show it: a source line
/// from debug information or, for code without lines (stripped code named by its function's
/// start from `.eh_frame` bounds), the address's offset from that start. The function stays
/// one row and one tree node; the position says where inside it the time went.
public enum FramePosition: Hashable, Sendable, Comparable, CustomStringConvertible {
    case source(SourcePosition)
    /// Bytes from the function's start: `liblzma.so.5.4.1+0x15bc0` at `+0x9` is address 0x15bc9.
    case offset(UInt64)

    public var description: String {
        switch self {
        case let .source(position): position.description
        case let .offset(offset): Self.offsetText(offset)
        }
    }

    /// `+0x9`: how folded lines and the screen spell an offset (perf's `func+0x9` without the name).
    public static func offsetText(_ offset: UInt64) -> String { "+0x" + String(offset, radix: 16) }
}

extension Frame {
    /// The frame's source line when debug information gave one, else its offset in the function.
    public var position: FramePosition? {
        if let sourcePosition { return .source(sourcePosition) }
        return offsetInFunction.map(FramePosition.offset)
    }
}
