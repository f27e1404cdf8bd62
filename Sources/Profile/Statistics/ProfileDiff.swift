/// How each function's share of the profile moved between a baseline and a current profile,
/// in percentage points: shares, not sample counts, so profiles of different lengths (and,
/// later, of other units) compare.
///
/// A change is a *finding* only when it is both real and large enough to matter: the
/// two-proportion z-test of the function's self share rejects "no change" at `rule.alpha`
/// divided by the number of functions compared (Bonferroni: with 200 functions tested, one
/// would otherwise pass α = 0.001 by chance every fifth diff), and the share moved by at
/// least `rule.minimumPoints`. Everything else is noise. Self shares decide, since that is
/// where the time went; a caller's total moves with its callees (`totalTest` says by how much).
public struct ProfileDiff: Sendable {
    /// What makes a change a finding.
    public struct Rule: Sendable, Equatable {
        /// Family-wise false-positive rate over all the functions compared.
        public var alpha: Double
        /// The smallest change in self share (percentage points) worth reporting.
        public var minimumPoints: Double

        public init(alpha: Double = 0.001, minimumPoints: Double = 1) {
            self.alpha = alpha
            self.minimumPoints = minimumPoints
        }
    }

    /// Whether a function appears in each profile.
    public enum Presence: Sendable, Equatable {
        case both
        /// Only in the current profile.
        case new
        /// Only in the baseline.
        case vanished
    }

    public enum Verdict: Sendable, Equatable {
        case finding
        case noise
    }

    public struct Entry: Sendable, Equatable {
        public let identity: FunctionIdentity
        public let baselineSelfSamples: UInt64
        public let currentSelfSamples: UInt64
        public let baselineTotalSamples: UInt64
        public let currentTotalSamples: UInt64
        /// Shares (0–100) of each profile; 0 where the function did not appear.
        public let baselineSelfPercent: Double
        public let currentSelfPercent: Double
        public let baselineTotalPercent: Double
        public let currentTotalPercent: Double
        public let presence: Presence
        /// The test of the self share, which decides `verdict`.
        public let selfTest: ShareTest
        public let totalTest: ShareTest
        public let verdict: Verdict

        /// Positive when the function takes a larger share now.
        public var selfDelta: Double { currentSelfPercent - baselineSelfPercent }
        public var totalDelta: Double { currentTotalPercent - baselineTotalPercent }
        public var isFinding: Bool { verdict == .finding }
    }

    public enum SortKey: Sendable, Equatable {
        case selfDelta
        case totalDelta
    }

    public let baselineSamples: UInt64
    public let currentSamples: UInt64
    public let rule: Rule
    /// Every function in either profile, largest absolute self delta first.
    public let entries: [Entry]

    public init(baseline: StackCounts, current: StackCounts, rule: Rule = Rule()) {
        self.init(baseline: FunctionStats(baseline), current: FunctionStats(current), rule: rule)
    }

    public init(baseline: FunctionStats, current: FunctionStats, rule: Rule = Rule()) {
        let before = baseline.profileSamples, after = current.profileSamples
        let compared = current.functions.count
            + baseline.functions.lazy.filter { current[$0.identity] == nil }.count
        let threshold = rule.alpha / Double(max(1, compared))
        func entry(_ identity: FunctionIdentity, _ old: FunctionStat?, _ new: FunctionStat?) -> Entry {
            let oldSelf = old?.selfSamples ?? 0, newSelf = new?.selfSamples ?? 0
            let oldTotal = old?.totalSamples ?? 0, newTotal = new?.totalSamples ?? 0
            let selfTest = ShareTest(baseline: oldSelf, of: before, current: newSelf, of: after)
            let oldShare = old?.selfPercent ?? 0, newShare = new?.selfPercent ?? 0
            let isFinding = selfTest.pValue < threshold && abs(newShare - oldShare) >= rule.minimumPoints
            return Entry(identity: identity,
                         baselineSelfSamples: oldSelf, currentSelfSamples: newSelf,
                         baselineTotalSamples: oldTotal, currentTotalSamples: newTotal,
                         baselineSelfPercent: oldShare, currentSelfPercent: newShare,
                         baselineTotalPercent: old?.totalPercent ?? 0, currentTotalPercent: new?.totalPercent ?? 0,
                         presence: old == nil ? .new : (new == nil ? .vanished : .both),
                         selfTest: selfTest,
                         totalTest: ShareTest(baseline: oldTotal, of: before, current: newTotal, of: after),
                         verdict: isFinding ? .finding : .noise)
        }
        var entries: [Entry] = []
        entries.reserveCapacity(compared)
        for stat in current.functions { entries.append(entry(stat.identity, baseline[stat.identity], stat)) }
        for stat in baseline.functions where current[stat.identity] == nil {
            entries.append(entry(stat.identity, stat, nil))
        }
        entries.sort(by: Self.order(.selfDelta))
        self.entries = entries
        self.rule = rule
        baselineSamples = before
        currentSamples = after
    }

    /// How many functions were compared: the Bonferroni divisor.
    public var comparisons: Int { entries.count }
    /// The p-value a change must stay under to count: α over the functions compared.
    public var correctedAlpha: Double { rule.alpha / Double(max(1, comparisons)) }
    /// The changes that count, largest first.
    public var findings: [Entry] { entries.filter(\.isFinding) }

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
