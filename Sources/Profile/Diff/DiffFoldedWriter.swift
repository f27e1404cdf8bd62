/// Writes a stack diff in the format of FlameGraph's `difffolded.pl`: `stack count1 count2`,
/// baseline first, so `flamegraph.pl` draws a differential flame graph from it (red where the
/// second profile has more, blue where less).
public struct DiffFoldedWriter: Sendable {
    public var folded: FoldedWriter

    public init(folded: FoldedWriter = FoldedWriter()) {
        self.folded = folded
    }

    /// All lines without line breaks, most samples (both summed) first, then by text, so the
    /// same inputs give byte-identical output. Stacks that the format cannot tell apart share
    /// one line with their counts summed (as `FoldedWriter` does).
    public func lines(_ diff: StackDiff) -> [String] {
        var merged: [String: (baseline: UInt64, current: UInt64)] = [:]
        merged.reserveCapacity(diff.rows.count)
        for row in diff.rows {
            let text = folded.stackText(for: row.stack)
            let old = merged[text] ?? (0, 0)
            merged[text] = (old.baseline + row.baseline, old.current + row.current)
        }
        let sorted = merged.sorted { left, right in
            let leftSum = left.value.baseline + left.value.current
            let rightSum = right.value.baseline + right.value.current
            return leftSum != rightSum ? leftSum > rightSum : left.key < right.key
        }
        return sorted.map { "\($0.key) \($0.value.baseline) \($0.value.current)" }
    }

    /// The whole diff as one string, each line ending in `\n`.
    public func write(_ diff: StackDiff) -> String {
        lines(diff).map { $0 + "\n" }.joined()
    }
}
