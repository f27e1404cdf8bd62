/// The cursor arithmetic every scrolling list shares (process list, flame tree,
/// top functions): which row a movement key selects, and the scroll offset that
/// keeps the selected row on screen.
enum ListScrolling {
    /// The row `key` moves the selection to, or nil when it is no movement key.
    static func target(of key: Key, from index: Int, page: Int, count: Int) -> Int? {
        switch key {
        case .up, .character("k"): return index - 1
        case .down, .character("j"): return index + 1
        case .pageUp: return index - page
        case .pageDown: return index + page
        case .home, .character("g"): return 0
        case .end, .character("G"): return count - 1
        default: return nil
        }
    }

    /// `index` clamped to the rows that exist (0 when there are none).
    static func clamped(_ index: Int, count: Int) -> Int {
        min(max(0, index), max(0, count - 1))
    }

    /// The smallest change of `offset` that shows row `selected` among `visible` rows.
    static func offset(_ offset: Int, showing selected: Int, visible: Int, count: Int) -> Int {
        var result = offset
        if selected < result { result = selected }
        if selected >= result + visible { result = selected - visible + 1 }
        return max(0, min(result, count - visible))
    }
}
