import Profile
import Service
import Testing

/// Chunks are at most the configured size, hold whole lines where a line fits,
/// and joined are exactly what `flametop record` writes.
struct ResultChunkerTests {
    static func profile(lines: Int, deepLine: Int = 0) -> StackCounts {
        var counts = StackCounts()
        for index in 0..<lines {
            let frames = ["main", "run", "worker_\(index)", "leaf_\(index % 7)"].map { Frame(function: $0) }
            counts.add(Stack(frames), count: UInt64(index % 13 + 1))
        }
        if deepLine > 0 {
            counts.add(Stack((0..<deepLine).map { Frame(function: "frame_\($0)") }), count: 3)
        }
        return counts
    }

    @Test(arguments: [64, 100, 256, 4096])
    func chunksJoinToTheFoldedFile(maxBytes: Int) {
        let counts = Self.profile(lines: 300, deepLine: 40)
        let file = Array(FoldedWriter().write(counts).utf8)
        let ranges = ResultChunker(maxBytes: maxBytes).ranges(of: file)
        #expect(ranges.allSatisfy { $0.count <= maxBytes && !$0.isEmpty })
        #expect(ranges.flatMap { file[$0] } == file)
        #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
    }

    @Test func chunksEndAtLineBreaksWhereLinesFit() {
        let file = Array(FoldedWriter().write(Self.profile(lines: 200)).utf8)
        let longest = file.split(separator: UInt8(ascii: "\n")).map(\.count).max() ?? 0
        let ranges = ResultChunker(maxBytes: 256).ranges(of: file)
        #expect(longest < 256)
        #expect(ranges.count > 5)
        #expect(ranges.allSatisfy { file[$0.upperBound - 1] == UInt8(ascii: "\n") })
    }

    @Test func aLineLongerThanAChunkIsCutAcrossChunks() {
        let file = Array(FoldedWriter().write(Self.profile(lines: 0, deepLine: 200)).utf8)
        #expect(file.count > 1000)
        let ranges = ResultChunker(maxBytes: 128).ranges(of: file)
        #expect(ranges.count == (file.count + 127) / 128)
        #expect(ranges.flatMap { file[$0] } == file)
    }

    @Test func anEmptyProfileIsOneEmptyChunk() {
        #expect(ResultChunker(maxBytes: 64).ranges(of: []) == [0..<0])
    }
}
