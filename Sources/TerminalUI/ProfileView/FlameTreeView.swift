import Profile

/// The flame tree pane's state: which tree is shown (top-down or inverted, whole or
/// focused on a function, zoomed into a subtree), which nodes are expanded, and the
/// selection. Expansion and selection are kept as call paths, so they survive every
/// live update (a new tree each time) and find "the same" node again. Paths are IDs in
/// one `CallPathTable`, so every step here is linear in the rows shown, whatever the depth.
struct FlameTreeView {
    typealias PathID = CallPathTable.ID

    struct Row: Equatable {
        let node: CallTree.NodeID
        let path: PathID
        let depth: Int
        let hasChildren: Bool
        let isExpanded: Bool
    }

    /// Which derived tree is shown; expansion state is kept per mode.
    struct Mode: Hashable {
        var inverted = false
        var focus: FunctionIdentity?
    }

    /// The profile's tree for `mode`: the tree the rows come from.
    private(set) var tree: CallTree?
    private(set) var mode = Mode()
    private(set) var paths = CallPathTable()
    /// Zoomed subtrees, innermost last; each a path in `tree`.
    private(set) var zoom: [PathID] = []
    private var expandedByMode: [Mode: Set<PathID>] = [:]
    /// Modes whose hot path has been expanded once (on first display with samples).
    private var hotPathShown: Set<Mode> = []
    private var selection = CallPathTable.root
    private(set) var rows: [Row] = []
    /// By path number: the row showing that path, -1 for none. An array, not a dictionary: a
    /// node with a million children shows a million rows (the dictionary held 38 MB of them).
    private var rowOfPath: [Int32] = []
    private(set) var selectedIndex = 0
    private(set) var scrollOffset = 0
    var visibleRows = 10 {
        didSet { keepSelectionVisible() }
    }

    /// Nodes below this share of the profile stay closed on "expand all".
    static let expandAllThreshold = 0.1

    var selectedRow: Row? { rows.indices.contains(selectedIndex) ? rows[selectedIndex] : nil }
    /// The selected node's call path, spelled out.
    var selectedPath: CallTree.Path { paths.path(of: selection) }
    /// The function of the innermost zoom.
    var zoomedFunction: FunctionIdentity? { zoom.last.flatMap(paths.last(of:)) }

    private var expanded: Set<PathID> {
        get { expandedByMode[mode] ?? [] }
        set { expandedByMode[mode] = newValue }
    }

    // MARK: Data

    /// Shows a new tree for the current mode, keeping zoom, expansion and selection.
    mutating func update(tree: CallTree) {
        self.tree = tree
        if !hotPathShown.contains(mode), !tree.children(of: tree.root).isEmpty {
            hotPathShown.insert(mode)
            expandHotPath(in: tree)
        }
        flatten()
    }

    /// Opens the chain of hottest children from the root down to a leaf.
    private mutating func expandHotPath(in tree: CallTree) {
        var node = tree.root
        var path = CallPathTable.root
        var opened = expanded
        opened.insert(path)
        while let hottest = tree.children(of: node).first {
            opened.insert(path)
            guard let identity = tree.identity(of: hottest) else { break }
            path = paths.child(of: path, identity)
            node = hottest
        }
        expanded = opened
    }

    /// The node at `path` in the shown tree.
    private func node(at path: PathID) -> CallTree.NodeID? {
        tree?.node(at: paths.path(of: path))
    }

    /// Lists the visible rows (expanded nodes' children, depth first) and finds the
    /// selection again: the same path, or its closest ancestor still shown.
    private mutating func flatten() {
        rows.removeAll(keepingCapacity: true)
        rowOfPath.removeAll(keepingCapacity: true)
        guard let tree else { return }
        let rootPath = zoom.last ?? CallPathTable.root
        guard let root = node(at: rootPath) else {
            // The zoomed subtree is gone (counts were reset): zoom out to what exists.
            zoom.removeLast()
            flatten()
            return
        }
        var open = expanded
        open.insert(rootPath)
        // Each function's number in `paths`, looked up once per tree (a wide tree has as many
        // rows as functions).
        var numbers = [Int32](repeating: -1, count: tree.functionCount)
        var stack: [(CallTree.NodeID, PathID, Int)] = [(root, rootPath, 0)]
        while let (node, path, depth) = stack.popLast() {
            let children = tree.children(of: node)
            let isExpanded = open.contains(path) && !children.isEmpty
            setRow(rows.count, of: path)
            rows.append(Row(node: node, path: path, depth: depth, hasChildren: !children.isEmpty,
                            isExpanded: isExpanded))
            guard isExpanded else { continue }
            for child in children.reversed() {
                guard let function = tree.functionIndex(of: child) else { continue }
                if numbers[function] < 0 { numbers[function] = paths.number(of: tree.identity(ofFunction: function)) }
                stack.append((child, paths.child(of: path, number: numbers[function]), depth + 1))
            }
        }
        reselect()
        compactPathsIfLarge()
    }

    private mutating func reselect() {
        var candidate = selection
        while row(of: candidate) == nil, let parent = paths.parent(of: candidate) { candidate = parent }
        selectedIndex = row(of: candidate) ?? 0
        selection = selectedRow?.path ?? CallPathTable.root
        keepSelectionVisible()
    }

    /// Rebuilds the path table from what is still referred to once it holds far more than
    /// that: a live profile shows new paths on every update.
    private mutating func compactPathsIfLarge() {
        let referred = rows.count + expandedByMode.values.reduce(0) { $0 + $1.count } + zoom.count
        guard paths.count > 4 * referred + 4096 else { return }
        var kept = rows.map(\.path) + zoom + [selection]
        for set in expandedByMode.values { kept += set }
        let (table, remap) = paths.compacted(keeping: kept)
        paths = table
        zoom = zoom.map(remap)
        selection = remap(selection)
        expandedByMode = expandedByMode.mapValues { Set($0.map(remap)) }
        rows = rows.map { Row(node: $0.node, path: remap($0.path), depth: $0.depth,
                              hasChildren: $0.hasChildren, isExpanded: $0.isExpanded) }
        rowOfPath.removeAll()
        for (index, row) in rows.enumerated() { setRow(index, of: row.path) }
    }

    private mutating func setRow(_ row: Int, of path: PathID) {
        if path.number >= rowOfPath.count {
            rowOfPath.append(contentsOf: repeatElement(-1, count: path.number + 1 - rowOfPath.count))
        }
        rowOfPath[path.number] = Int32(row)
    }

    private func row(of path: PathID) -> Int? {
        path.number < rowOfPath.count && rowOfPath[path.number] >= 0 ? Int(rowOfPath[path.number]) : nil
    }

    private mutating func select(_ index: Int) {
        selectedIndex = ListScrolling.clamped(index, count: rows.count)
        selection = selectedRow?.path ?? CallPathTable.root
        keepSelectionVisible()
    }

    /// Selects the node at `path`, opening its ancestors so that it is shown.
    private mutating func reveal(_ path: PathID) {
        var opened = expanded
        for ancestor in paths.ancestors(of: path).dropFirst() { opened.insert(ancestor) }
        expanded = opened
        selection = path
        flatten()
    }

    private mutating func keepSelectionVisible() {
        scrollOffset = ListScrolling.offset(scrollOffset, showing: selectedIndex, visible: visibleRows, count: rows.count)
    }

    // MARK: Modes

    /// Switches to another mode (inverted, focused) with its tree. Zoom is left; each
    /// mode keeps its own expansion.
    mutating func switchMode(to mode: Mode, tree: CallTree) {
        self.mode = mode
        zoom = []
        selection = CallPathTable.root
        update(tree: tree)
    }

    mutating func zoomIn() {
        guard let row = selectedRow, row.depth > 0 || zoom.isEmpty,
              row.path != (zoom.last ?? CallPathTable.root) else { return }
        zoom.append(row.path)
        var opened = expanded
        opened.insert(row.path)
        expanded = opened
        flatten()
    }

    /// Returns false when not zoomed.
    @discardableResult
    mutating func zoomOut() -> Bool {
        guard let last = zoom.popLast() else { return false }
        selection = last
        flatten()
        return true
    }

    // MARK: Keys

    /// Handles a tree key; false when the key is not the tree's.
    mutating func handle(_ key: Key) -> Bool {
        if let target = ListScrolling.target(of: key, from: selectedIndex, page: visibleRows, count: rows.count) {
            select(target)
            return true
        }
        switch key {
        case .enter, .character(" "):
            guard let row = selectedRow, row.hasChildren else { return true }
            setExpanded(row.path, !row.isExpanded)
        case .right, .character("l"):
            guard let row = selectedRow, row.hasChildren else { return true }
            if row.isExpanded { select(selectedIndex + 1) } else { setExpanded(row.path, true) }
        case .left, .character("h"):
            guard let row = selectedRow else { return true }
            if row.isExpanded && row.depth > 0 {
                setExpanded(row.path, false)
            } else if row.depth > 0, let parent = rows[..<selectedIndex].lastIndex(where: { $0.depth == row.depth - 1 }) {
                select(parent)
            }
        case .character("+"), .character("*"): expandAll()
        case .character("-"): collapseAll()
        case .character("z"): zoomIn()
        case .character("Z"), .character("u"): zoomOut()
        default: return false
        }
        return true
    }

    private mutating func setExpanded(_ path: PathID, _ isExpanded: Bool) {
        var opened = expanded
        if isExpanded { opened.insert(path) } else { opened.remove(path) }
        expanded = opened
        flatten()
    }

    /// Opens every node that holds at least `expandAllThreshold` percent of the profile.
    private mutating func expandAll() {
        guard let tree else { return }
        var opened = expanded
        var stack: [(CallTree.NodeID, PathID)] = [(tree.root, CallPathTable.root)]
        while let (node, path) = stack.popLast() {
            guard tree.totalPercentOfProfile(node) >= Self.expandAllThreshold else { continue }
            opened.insert(path)
            for child in tree.children(of: node) {
                if let identity = tree.identity(of: child) { stack.append((child, paths.child(of: path, identity))) }
            }
        }
        expanded = opened
        flatten()
    }

    private mutating func collapseAll() {
        expanded = []
        flatten()
    }

    // MARK: Search

    /// Selects the next (or previous) node, in display order over the whole tree, whose
    /// function name contains `needle` (lowercased), opening its ancestors. Returns
    /// false when nothing matches. The walk visits nodes only; the one path it needs is
    /// the target's.
    mutating func jumpToMatch(_ needle: String, forward: Bool) -> Bool {
        guard let tree, !needle.isEmpty else { return false }
        let rootPath = zoom.last ?? CallPathTable.root
        guard let root = node(at: rootPath) else { return false }
        let selectedNode = selectedRow?.node
        var matches: [(position: Int, node: CallTree.NodeID)] = []
        var current = -1
        var position = 0
        var stack: [CallTree.NodeID] = [root]
        // Bounded: a pathological tree must not stall the UI.
        while let node = stack.popLast(), position < 200_000 {
            if node == selectedNode { current = position }
            if let identity = tree.identity(of: node), FunctionNameForm.matches(identity, query: needle) {
                matches.append((position, node))
            }
            position += 1
            stack.append(contentsOf: tree.children(of: node).reversed())
        }
        let target = forward
            ? matches.first(where: { $0.position > current }) ?? matches.first
            : matches.last(where: { $0.position < current }) ?? matches.last
        guard let target else { return false }
        // The target's path below the zoomed root, appended to the zoom's path.
        var below: [FunctionIdentity] = []
        var node = target.node
        while node != root, let parent = tree.parent(of: node) {
            if let identity = tree.identity(of: node) { below.append(identity) }
            node = parent
        }
        reveal(below.reversed().reduce(rootPath) { paths.child(of: $0, $1) })
        return true
    }
}
