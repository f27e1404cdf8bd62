import Profile

/// The diff tree pane's state: the overlaid call paths of baseline and current, shown down
/// to the nodes that hold at least `openThreshold` of either profile, and the selection.
/// Folds the user made are kept by path, so they survive live updates.
struct DiffTreeView {
    struct Row: Equatable {
        let node: Int
        let hasChildren: Bool
        let isExpanded: Bool
    }

    private(set) var tree: CallTreeDiff?
    private(set) var rows: [Row] = []
    private(set) var selectedIndex = 0
    private(set) var scrollOffset = 0
    /// Paths whose default (open above the threshold, closed below) the user flipped.
    private var flipped: Set<CallTree.Path> = []
    private var selectedPath: CallTree.Path = []
    var visibleRows = 10 {
        didSet { keepSelectionVisible() }
    }

    /// Nodes with at least this share (either side) open by default.
    static let openThreshold = 1.0

    var selectedNode: CallTreeDiff.Node? {
        guard let tree, rows.indices.contains(selectedIndex) else { return nil }
        return tree.nodes[rows[selectedIndex].node]
    }

    mutating func update(_ tree: CallTreeDiff) {
        self.tree = tree
        flatten()
    }

    private func isExpanded(_ node: CallTreeDiff.Node) -> Bool {
        let byDefault = max(node.currentPercent, node.baselinePercent) >= Self.openThreshold
        return byDefault != flipped.contains(node.path)
    }

    private mutating func flatten() {
        rows.removeAll(keepingCapacity: true)
        guard let tree else { return }
        var pending = [0]
        while let index = pending.popLast() {
            let node = tree.nodes[index]
            let expanded = isExpanded(node)
            rows.append(Row(node: index, hasChildren: !node.children.isEmpty, isExpanded: expanded))
            if expanded { pending.append(contentsOf: node.children.reversed()) }
        }
        if let found = rows.firstIndex(where: { tree.nodes[$0.node].path == selectedPath }) {
            selectedIndex = found
        } else {
            selectedIndex = ListScrolling.clamped(selectedIndex, count: rows.count)
            selectedPath = selectedNode?.path ?? []
        }
        keepSelectionVisible()
    }

    private mutating func select(_ index: Int) {
        selectedIndex = ListScrolling.clamped(index, count: rows.count)
        selectedPath = selectedNode?.path ?? []
        keepSelectionVisible()
    }

    private mutating func keepSelectionVisible() {
        scrollOffset = ListScrolling.offset(scrollOffset, showing: selectedIndex, visible: visibleRows, count: rows.count)
    }

    /// Movement and folding; false when the key is not this pane's.
    mutating func handle(_ key: Key) -> Bool {
        if let target = ListScrolling.target(of: key, from: selectedIndex, page: visibleRows, count: rows.count) {
            select(target)
            return true
        }
        switch key {
        case .enter, .character(" "):
            guard let row = rows.indices.contains(selectedIndex) ? rows[selectedIndex] : nil, row.hasChildren,
                  let path = selectedNode?.path else { return false }
            if flipped.contains(path) { flipped.remove(path) } else { flipped.insert(path) }
            flatten()
            return true
        default:
            return false
        }
    }
}
