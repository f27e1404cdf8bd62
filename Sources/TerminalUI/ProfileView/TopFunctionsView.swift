import Profile

/// The top functions pane's state: functions sorted by self or total samples, the
/// selection kept by function identity across updates.
struct TopFunctionsView {
    private(set) var stats: FunctionStats?
    private(set) var sortKey: FunctionStats.SortKey = .selfSamples
    private(set) var rows: [FunctionStat] = []
    private(set) var selectedIndex = 0
    private(set) var scrollOffset = 0
    private var selectedIdentity: FunctionIdentity?
    var visibleRows = 5 {
        didSet { keepSelectionVisible() }
    }

    var selectedFunction: FunctionStat? { rows.indices.contains(selectedIndex) ? rows[selectedIndex] : nil }

    mutating func update(_ stats: FunctionStats) {
        self.stats = stats
        rebuild()
    }

    mutating func toggleSort() {
        sortKey = sortKey == .selfSamples ? .totalSamples : .selfSamples
        rebuild()
    }

    private mutating func rebuild() {
        rows = stats?.sorted(by: sortKey) ?? []
        if let selectedIdentity, let index = rows.firstIndex(where: { $0.identity == selectedIdentity }) {
            selectedIndex = index
        } else {
            selectedIndex = min(selectedIndex, max(0, rows.count - 1))
        }
        selectedIdentity = selectedFunction?.identity
        keepSelectionVisible()
    }

    private mutating func select(_ index: Int) {
        selectedIndex = ListScrolling.clamped(index, count: rows.count)
        selectedIdentity = selectedFunction?.identity
        keepSelectionVisible()
    }

    private mutating func keepSelectionVisible() {
        scrollOffset = ListScrolling.offset(scrollOffset, showing: selectedIndex, visible: visibleRows, count: rows.count)
    }

    /// Handles a movement or sort key; false when the key is not this pane's.
    mutating func handle(_ key: Key) -> Bool {
        if let target = ListScrolling.target(of: key, from: selectedIndex, page: visibleRows, count: rows.count) {
            select(target)
            return true
        }
        switch key {
        case .character("s"): toggleSort()
        default: return false
        }
        return true
    }
}
