import Profile

/// The diff table pane's state: every function of either profile, largest change in self
/// share first (findings and noise alike, so the eye sees both), and the selection.
struct DiffTableView {
    private(set) var diff: ProfileDiff?
    private(set) var selectedIndex = 0
    private(set) var scrollOffset = 0
    private var selectedIdentity: FunctionIdentity?
    var visibleRows = 5 {
        didSet { keepSelectionVisible() }
    }

    var rows: [ProfileDiff.Entry] { diff?.entries ?? [] }

    mutating func update(_ diff: ProfileDiff) {
        self.diff = diff
        if let selectedIdentity, let index = rows.firstIndex(where: { $0.identity == selectedIdentity }) {
            selectedIndex = index
        } else {
            selectedIndex = ListScrolling.clamped(selectedIndex, count: rows.count)
        }
        selectedIdentity = rows.indices.contains(selectedIndex) ? rows[selectedIndex].identity : nil
        keepSelectionVisible()
    }

    private mutating func keepSelectionVisible() {
        scrollOffset = ListScrolling.offset(scrollOffset, showing: selectedIndex, visible: visibleRows, count: rows.count)
    }

    /// Movement; false when the key is not this pane's.
    mutating func handle(_ key: Key) -> Bool {
        guard let target = ListScrolling.target(of: key, from: selectedIndex, page: visibleRows, count: rows.count)
        else { return false }
        selectedIndex = ListScrolling.clamped(target, count: rows.count)
        selectedIdentity = rows.indices.contains(selectedIndex) ? rows[selectedIndex].identity : nil
        keepSelectionVisible()
        return true
    }
}
