/// Each stack's samples in a baseline and a current profile, side by side: what a differential
/// flame graph is drawn from, and which stacks are new or gone.
public struct StackDiff: Sendable {
    public struct Row: Sendable, Equatable {
        public let stack: Stack
        public let baseline: UInt64
        public let current: UInt64

        public var isNew: Bool { baseline == 0 }
        public var hasVanished: Bool { current == 0 }
    }

    /// Every stack of either profile, most samples (both summed) first.
    public let rows: [Row]
    public let baselineSamples: UInt64
    public let currentSamples: UInt64

    public init(baseline: StackCounts, current: StackCounts) {
        var rows: [Row] = []
        rows.reserveCapacity(max(baseline.uniqueStacks, current.uniqueStacks))
        for (stack, count) in current.counts {
            rows.append(Row(stack: stack, baseline: baseline.counts[stack] ?? 0, current: count))
        }
        for (stack, count) in baseline.counts where current.counts[stack] == nil {
            rows.append(Row(stack: stack, baseline: count, current: 0))
        }
        rows.sort { left, right in
            let leftSum = left.baseline + left.current, rightSum = right.baseline + right.current
            if leftSum != rightSum { return leftSum > rightSum }
            return left.current > right.current
        }
        self.rows = rows
        baselineSamples = baseline.totalSamples
        currentSamples = current.totalSamples
    }

    public var newStacks: [Row] { rows.filter(\.isNew) }
    public var vanishedStacks: [Row] { rows.filter(\.hasVanished) }
}
