import Profile

/// The flame tree pane's state: which tree is shown (top-down or inverted, whole or
/// focused on a function, zoomed into a subtree), which nodes are expanded, and the
/// selection. Expansion and selection are kept as call paths, so they survive every
/// live update (a new tree each time) and find "the same" node again.
struct FlameTreeView {
    struct Row: Equatable {
        let node: CallTree.NodeID
        let path: CallTree.Path
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
    /// Zoomed subtrees, innermost last; each a path in `tree`.
    private(set) var zoom: [CallTree.Path] = []
    private var expandedByMode: [Mode: Set<CallTree.Path>] = [:]
    /// Modes whose hot path has been expanded once (on first display with samples).
    private var hotPathShown: Set<Mode> = []
    private(set) var selectedPath: CallTree.Path = []
    private(set) var rows: [Row] = []
    private(set) var selectedIndex = 0
    private(set) var scrollOffset = 0
    var visibleRows = 10 {
        didSet { keepSelectionVisible() }
    }

    /// Nodes below this share of the profile stay closed on "expand all".
    static let expandAllThreshold = 0.1

    var selectedRow: Row? { rows.indices.contains(selectedIndex) ? rows[selectedIndex] : nil }

    private var expanded: Set<CallTree.Path> {
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
        var path: [FunctionIdentity] = []
        var opened = expanded
        opened.insert(CallTree.Path(path))
        while let hottest = tree.children(of: node).first {
            opened.insert(CallTree.Path(path))
            guard let identity = tree.identity(of: hottest) else { break }
            path.append(identity)
            node = hottest
        }
        expanded = opened
    }

    /// Lists the visible rows (expanded nodes' children, depth first) and finds the
    /// selection again: the same path, or its closest ancestor still shown.
    private mutating func flatten() {
        rows.removeAll(keepingCapacity: true)
        guard let tree else { return }
        let rootPath = zoom.last ?? []
        guard let root = tree.node(at: rootPath) else {
            // The zoomed subtree is gone (counts were reset): zoom out to what exists.
            zoom.removeLast()
            flatten()
            return
        }
        let open = expanded.union([rootPath])
        var stack: [(CallTree.NodeID, [FunctionIdentity], Int)] = [(root, rootPath.functions, 0)]
        while let (node, functions, depth) = stack.popLast() {
            let path = CallTree.Path(functions)
            let children = tree.children(of: node)
            let isExpanded = open.contains(path) && !children.isEmpty
            rows.append(Row(node: node, path: path, depth: depth, hasChildren: !children.isEmpty,
                            isExpanded: isExpanded))
            guard isExpanded else { continue }
            for child in children.reversed() {
                guard let identity = tree.identity(of: child) else { continue }
                stack.append((child, functions + [identity], depth + 1))
            }
        }
        reselect()
    }

    private mutating func reselect() {
        var candidate = selectedPath.functions
        while true {
            if let index = rows.firstIndex(where: { $0.path.functions == candidate }) {
                selectedIndex = index
                break
            }
            if candidate.isEmpty {
                selectedIndex = 0
                break
            }
            candidate.removeLast()
        }
        selectedPath = selectedRow?.path ?? []
        keepSelectionVisible()
    }

    private mutating func select(_ index: Int) {
        selectedIndex = ListScrolling.clamped(index, count: rows.count)
        selectedPath = selectedRow?.path ?? []
        keepSelectionVisible()
    }

    /// Selects the node at `path`, opening its ancestors so that it is shown.
    mutating func reveal(_ path: CallTree.Path) {
        var opened = expanded
        for length in 0..<path.functions.count {
            opened.insert(CallTree.Path(Array(path.functions.prefix(length))))
        }
        expanded = opened
        selectedPath = path
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
        selectedPath = []
        update(tree: tree)
    }

    mutating func zoomIn() {
        guard let row = selectedRow, row.depth > 0 || zoom.isEmpty, row.path != (zoom.last ?? []) else { return }
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
        selectedPath = last
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

    private mutating func setExpanded(_ path: CallTree.Path, _ isExpanded: Bool) {
        var opened = expanded
        if isExpanded { opened.insert(path) } else { opened.remove(path) }
        expanded = opened
        flatten()
    }

    /// Opens every node that holds at least `expandAllThreshold` percent of the profile.
    private mutating func expandAll() {
        guard let tree else { return }
        var opened = expanded
        var stack: [(CallTree.NodeID, [FunctionIdentity])] = [(tree.root, [])]
        while let (node, functions) = stack.popLast() {
            guard tree.totalPercentOfProfile(node) >= Self.expandAllThreshold else { continue }
            opened.insert(CallTree.Path(functions))
            for child in tree.children(of: node) {
                if let identity = tree.identity(of: child) { stack.append((child, functions + [identity])) }
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
    /// false when nothing matches.
    mutating func jumpToMatch(_ needle: String, forward: Bool) -> Bool {
        guard let tree, !needle.isEmpty else { return false }
        let rootPath = zoom.last ?? []
        guard let root = tree.node(at: rootPath) else { return false }
        var matches: [(position: Int, functions: [FunctionIdentity])] = []
        var current = -1
        var position = 0
        var stack: [(CallTree.NodeID, [FunctionIdentity])] = [(root, rootPath.functions)]
        // Bounded: a pathological tree must not stall the UI.
        while let (node, functions) = stack.popLast(), position < 200_000 {
            if functions == selectedPath.functions { current = position }
            if let identity = tree.identity(of: node), FunctionNameForm.matches(identity, query: needle) {
                matches.append((position, functions))
            }
            position += 1
            for child in tree.children(of: node).reversed() {
                if let identity = tree.identity(of: child) { stack.append((child, functions + [identity])) }
            }
        }
        let target = forward
            ? matches.first(where: { $0.position > current }) ?? matches.first
            : matches.last(where: { $0.position < current }) ?? matches.last
        guard let target else { return false }
        reveal(CallTree.Path(target.functions))
        return true
    }
}
