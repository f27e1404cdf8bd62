/// How each function's share of the profile moved between a baseline and a current profile,
/// in percentage points: shares, not sample counts, so profiles of different lengths compare.
public struct ProfileDiff: Sendable {
    public struct Entry: Sendable, Equatable {
        public let identity: FunctionIdentity
        /// Shares (0–100) of each profile; 0 where the function did not appear.
        public let baselineSelfPercent: Double
        public let currentSelfPercent: Double
        public let baselineTotalPercent: Double
        public let currentTotalPercent: Double

        /// Positive when the function takes a larger share now.
        public var selfDelta: Double { currentSelfPercent - baselineSelfPercent }
        public var totalDelta: Double { currentTotalPercent - baselineTotalPercent }
    }

    public enum SortKey: Sendable, Equatable {
        case selfDelta
        case totalDelta
    }

    public let baselineSamples: UInt64
    public let currentSamples: UInt64
    /// Every function in either profile, largest absolute self delta first.
    public let entries: [Entry]

    public init(baseline: StackCounts, current: StackCounts) {
        self.init(baseline: FunctionStats(baseline), current: FunctionStats(current))
    }

    public init(baseline: FunctionStats, current: FunctionStats) {
        var entries: [Entry] = []
        entries.reserveCapacity(current.functions.count)
        for stat in current.functions {
            let before = baseline[stat.identity]
            entries.append(Entry(identity: stat.identity,
                                 baselineSelfPercent: before?.selfPercent ?? 0,
                                 currentSelfPercent: stat.selfPercent,
                                 baselineTotalPercent: before?.totalPercent ?? 0,
                                 currentTotalPercent: stat.totalPercent))
        }
        for stat in baseline.functions where current[stat.identity] == nil {
            entries.append(Entry(identity: stat.identity,
                                 baselineSelfPercent: stat.selfPercent, currentSelfPercent: 0,
                                 baselineTotalPercent: stat.totalPercent, currentTotalPercent: 0))
        }
        entries.sort(by: Self.order(.selfDelta))
        self.entries = entries
        baselineSamples = baseline.profileSamples
        currentSamples = current.profileSamples
    }

    /// Largest absolute change first; ties by the other delta, then by name.
    public func sorted(by key: SortKey) -> [Entry] {
        key == .selfDelta ? entries : entries.sorted(by: Self.order(key))
    }

    static func order(_ key: SortKey) -> (Entry, Entry) -> Bool {
        { left, right in
            let (leftFirst, leftSecond, rightFirst, rightSecond) = key == .selfDelta
                ? (abs(left.selfDelta), abs(left.totalDelta), abs(right.selfDelta), abs(right.totalDelta))
                : (abs(left.totalDelta), abs(left.selfDelta), abs(right.totalDelta), abs(right.selfDelta))
            if leftFirst != rightFirst { return leftFirst > rightFirst }
            if leftSecond != rightSecond { return leftSecond > rightSecond }
            return left.identity < right.identity
        }
    }
}
