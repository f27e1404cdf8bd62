import Profile

/// What a session's memory budget held at a drain, and the resident size read
/// then: the figures the summary, the status line and the service show.
public struct MemoryReport: Sendable, Equatable {
    public var limitBytes: Int
    /// The process's resident size (VmRSS), nil where /proc could not tell.
    public var residentBytes: Int?
    public var categories: [MemoryBudget.Category: MemoryBudget.Usage]

    public init(_ budget: MemoryBudget) {
        limitBytes = budget.limitBytes
        residentBytes = budget.residentBytes
        categories = Dictionary(uniqueKeysWithValues: budget.usages.map { ($0.category, $0.usage) })
    }

    /// Categories that refused a request: they degraded.
    public var degraded: [MemoryBudget.Category] {
        MemoryBudget.Category.allCases.filter { (categories[$0]?.refusals ?? 0) > 0 }
    }
}
