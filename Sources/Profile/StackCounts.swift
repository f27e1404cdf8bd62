/// Sample counts per unique symbolic stack: the whole of a profile's data.
/// A value type, so a snapshot handed to a view or a writer never changes under it.
public struct StackCounts: Sendable, Equatable {
    public private(set) var counts: [Stack: UInt64] = [:]
    public private(set) var totalSamples: UInt64 = 0

    public init() {}

    public init<S: Sequence>(_ pairs: S) where S.Element == (Stack, UInt64) {
        for (stack, count) in pairs { add(stack, count: count) }
    }

    /// Counts of stacks known to be distinct (a time window's, one entry per interned stack):
    /// the table is sized once, so no key is hashed twice as it grows. Zero counts are left out.
    init(distinct pairs: [(Stack, UInt64)]) {
        counts.reserveCapacity(pairs.count)
        for (stack, count) in pairs where count > 0 {
            counts[stack] = count
            totalSamples += count
        }
    }

    public mutating func add(_ stack: Stack, count: UInt64 = 1) {
        guard count > 0 else { return }
        counts[stack, default: 0] += count
        totalSamples += count
    }

    public mutating func merge(_ other: StackCounts) {
        for (stack, count) in other.counts { add(stack, count: count) }
    }

    public var uniqueStacks: Int { counts.count }
    public var isEmpty: Bool { counts.isEmpty }
}
