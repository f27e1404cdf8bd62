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
        selectedIndex = min(max(0, index), max(0, rows.count - 1))
        selectedIdentity = selectedFunction?.identity
        keepSelectionVisible()
    }

    private mutating func keepSelectionVisible() {
        if selectedIndex < scrollOffset { scrollOffset = selectedIndex }
        if selectedIndex >= scrollOffset + visibleRows { scrollOffset = selectedIndex - visibleRows + 1 }
        scrollOffset = max(0, min(scrollOffset, rows.count - visibleRows))
    }

    /// Handles a movement or sort key; false when the key is not this pane's.
    mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .up, .character("k"): select(selectedIndex - 1)
        case .down, .character("j"): select(selectedIndex + 1)
        case .pageUp: select(selectedIndex - visibleRows)
        case .pageDown: select(selectedIndex + visibleRows)
        case .home, .character("g"): select(0)
        case .end, .character("G"): select(rows.count - 1)
        case .character("s"): toggleSort()
        default: return false
        }
        return true
    }
}
