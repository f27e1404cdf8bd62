/// Stacks stored compactly: every distinct frame once, every stack as indices of its frames
/// (root first), laid end to end, with its count. What `flametop view` reads a folded file
/// into, and what the call tree and the function statistics are built from: a `StackCounts`
/// holds an array of whole frames per stack, about 400 bytes a short stack (1M lines took
/// 422 MB, issue 14); here a frame of a stack is 4 bytes.
///
/// Limits: at most 2^31 − 1 distinct frames and frames in all (the call tree's node indices
/// are 32-bit); `FoldedReader` reports a file past them as an error.
public struct StackTable: Sendable {
    var interner = FrameInterner()
    /// Indices into `interner.frames`, stack after stack.
    private(set) var frameIndices: [Int32] = []
    /// Where each stack ends in `frameIndices`; it starts where the previous one ended.
    private(set) var ends: [Int32] = []
    private(set) var counts: [UInt64] = []
    public private(set) var totalSamples: UInt64 = 0

    /// The most frames the table holds, in all.
    public static let frameLimit = Int(Int32.max) - 1

    public init() {}

    public init(_ stacks: StackCounts) {
        frameIndices.reserveCapacity(stacks.uniqueStacks * 16)
        ends.reserveCapacity(stacks.uniqueStacks)
        counts.reserveCapacity(stacks.uniqueStacks)
        for (stack, count) in stacks.counts { append(stack, count: count) }
    }

    /// Stacks (lines of a folded file; equal stacks on two lines count twice).
    public var stackCount: Int { ends.count }
    public var frameCount: Int { frameIndices.count }
    public var isEmpty: Bool { ends.isEmpty }
    var frames: [Frame] { interner.frames }

    public mutating func append(_ stack: Stack, count: UInt64) {
        guard count > 0 else { return }
        stack.frames.withUnsafeBufferPointer { frames in
            for frame in frames { frameIndices.append(interner.intern(frame)) }
        }
        endStack(count: count)
    }

    /// The index of `frame` in this table, adding it when new.
    mutating func intern(_ frame: Frame) -> Int32 { interner.intern(frame) }

    /// Appends a stack of already interned frames; the caller keeps within `frameLimit` and
    /// the total within 64 bits.
    mutating func append(frameIndices stack: [Int32], count: UInt64) {
        guard count > 0 else { return }
        frameIndices.append(contentsOf: stack)
        endStack(count: count)
    }

    private mutating func endStack(count: UInt64) {
        ends.append(Int32(frameIndices.count))
        counts.append(count)
        totalSamples += count
    }

    /// The frame indices of stack `index`.
    func stack(_ index: Int) -> Range<Int> { (index == 0 ? 0 : Int(ends[index - 1]))..<Int(ends[index]) }

    /// The stacks as `StackCounts` (equal stacks merged): for writing the profile out.
    public func stackCounts() -> StackCounts {
        var result = StackCounts()
        for index in ends.indices {
            result.add(Stack(stack(index).map { interner.frames[Int(frameIndices[$0])] }), count: counts[index])
        }
        return result
    }

    /// Share (0–100) of samples whose stack holds a function whose lowercased name contains
    /// `query` (already lowercased).
    public func share(matching query: String) -> Double {
        share { $0.function.lowercased().contains(query) }
    }

    /// The share (0–100) of samples whose stack has a frame `matches` accepts; each
    /// distinct frame is asked once.
    public func share(where matches: (Frame) -> Bool) -> Double {
        guard totalSamples > 0 else { return 0 }
        let matches = interner.frames.map(matches)
        var matching: UInt64 = 0
        for index in ends.indices where stack(index).contains(where: { matches[Int(frameIndices[$0])] }) {
            matching += counts[index]
        }
        return Double(matching) * 100 / Double(totalSamples)
    }
}
