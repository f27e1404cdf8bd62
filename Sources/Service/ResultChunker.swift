/// Cuts a profile file into chunks (binary pprof at the size alone). A folded file: into chunks of at most `maxBytes`, each holding whole lines
/// where a line fits, so a client can hand chunks on as they arrive. A line
/// longer than `maxBytes` (a very deep stack) is cut across chunks; joined in
/// order the chunks are always the file byte for byte. An empty file is one
/// empty chunk, so every stream has a first and a final chunk.
public struct ResultChunker: Sendable {
    public let maxBytes: Int

    public init(maxBytes: Int) {
        precondition(maxBytes > 0, "chunk size must be positive")
        self.maxBytes = maxBytes
    }

    /// The byte ranges of the chunks, in order. `wholeLines: false` (binary data: pprof)
    /// cuts at `maxBytes` only.
    public func ranges(of bytes: [UInt8], wholeLines: Bool = true) -> [Range<Int>] {
        guard !bytes.isEmpty else { return [0..<0] }
        var ranges: [Range<Int>] = []
        var start = 0
        while start < bytes.count {
            var end = min(start + maxBytes, bytes.count)
            if wholeLines, end < bytes.count, let newline = bytes[start..<end].lastIndex(of: UInt8(ascii: "\n")) {
                end = newline + 1
            }
            ranges.append(start..<end)
            start = end
        }
        return ranges
    }
}
