/// An immutable call tree (top-down by default): each node is a function reached through the
/// path of functions above it, with the samples of every stack through that path (total) and
/// of the stacks that end there (self). Frames of one function merge whatever their source
/// line, so a node is a function, not a line.
///
/// Nodes live in one array in preorder; each node's children are a run of a second array,
/// sorted by total (highest first, equal totals by name). A `NodeID` is valid within its tree
/// only; a `Path` names the same node across trees (successive snapshots of a live profile).
public struct CallTree: Sendable {
    struct Storage: Sendable {
        /// Index into `functions`, or -1 for the root of the whole profile.
        var function: Int32
        var parent: Int32
        var depth: Int32
        /// Where this node's run in `children` starts; it ends where the next node's starts
        /// (children are listed in node order).
        var childStart: Int32
        var total: UInt64
        var selfSamples: UInt64
    }

    let nodes: [Storage]
    let children: [Int32]
    let functions: FunctionTable
    /// Samples in the whole profile the tree was made from; for a focused tree this is more
    /// than the root's total.
    public let profileSamples: UInt64
    /// True for a bottom-up (callers) tree: leaf functions at the top, their callers below.
    public let isInverted: Bool

    init(nodes: [Storage], children: [Int32], functions: FunctionTable, profileSamples: UInt64,
         isInverted: Bool) {
        self.nodes = nodes
        self.children = children
        self.functions = functions
        self.profileSamples = profileSamples
        self.isInverted = isInverted
    }

    /// The top-down tree of a profile; the root holds every sample.
    public init(_ counts: StackCounts) {
        self.init(StackTable(counts))
    }

    /// The top-down tree of a profile; the root holds every sample.
    public init(_ stacks: StackTable) {
        let frames = stacks.frameIndices, functionOfFrame = stacks.interner.functionOfFrame
        var frameWeights = [UInt64](repeating: 0, count: stacks.frames.count)
        for index in 0..<stacks.stackCount {
            let count = stacks.counts[index]
            for position in stacks.stack(index) { frameWeights[Int(frames[position])] += count }
        }
        let (functions, renumbered) = stacks.interner.sortedFunctionTable(frameWeights: frameWeights)
        // Each frame's function by its index in the table, so the paths are the stacks themselves.
        let rankOfFrame = functionOfFrame.map { renumbered[Int($0)] }
        let paths = CallPaths(items: frames, ends: stacks.ends, counts: stacks.counts, functionOfItem: rankOfFrame)
        self = CallTreeBuilder.build(paths, functions: functions, profileSamples: stacks.totalSamples,
                                     isInverted: false)
    }

    public var root: NodeID { NodeID(0) }
    public var nodeCount: Int { nodes.count }
    /// Every node in storage order: preorder, siblings by name (not display order).
    public var nodeIDs: LazyMapCollection<Range<Int>, NodeID> { (0..<nodes.count).lazy.map(NodeID.init) }
    /// The function the root stands for in a focused tree; nil when the root is the whole profile.
    public var focus: FunctionIdentity? { identity(of: root) }

    public subscript(id: NodeID) -> Node {
        let storage = nodes[id.index]
        let function = storage.function
        return Node(id: id,
                    identity: function < 0 ? nil : functions.identity(Int(function)),
                    frame: function < 0 ? nil : functions.frame(Int(function)),
                    totalSamples: storage.total, selfSamples: storage.selfSamples,
                    depth: Int(storage.depth),
                    parent: storage.parent < 0 ? nil : NodeID(Int(storage.parent)),
                    childCount: childRange(id.index).count)
    }

    /// Children in display order: highest total first.
    public func children(of id: NodeID) -> [NodeID] {
        children[childRange(id.index)].map { NodeID(Int($0)) }
    }

    /// Where node `index`'s children are listed in `children`.
    func childRange(_ index: Int) -> Range<Int> {
        let end = index + 1 < nodes.count ? Int(nodes[index + 1].childStart) : children.count
        return Int(nodes[index].childStart)..<end
    }

    public func parent(of id: NodeID) -> NodeID? {
        let parent = nodes[id.index].parent
        return parent < 0 ? nil : NodeID(Int(parent))
    }

    public func identity(of id: NodeID) -> FunctionIdentity? {
        let function = nodes[id.index].function
        return function < 0 ? nil : functions.identity(Int(function))
    }

    /// The node's function as an index into this tree's function table (nil for the root of
    /// a whole profile): lets a caller do per-function work once per tree, not once per node.
    public func functionIndex(of id: NodeID) -> Int? {
        let function = nodes[id.index].function
        return function < 0 ? nil : Int(function)
    }

    /// How many functions `functionIndex(of:)` ranges over.
    public var functionCount: Int { functions.count }

    public func identity(ofFunction index: Int) -> FunctionIdentity { functions.identity(index) }

    public func totalSamples(of id: NodeID) -> UInt64 { nodes[id.index].total }
    public func selfSamples(of id: NodeID) -> UInt64 { nodes[id.index].selfSamples }
    /// 0 for the root.
    public func depth(of id: NodeID) -> Int { Int(nodes[id.index].depth) }

    /// A node's total as a share (0–100) of the whole profile, even in a focused tree.
    public func totalPercentOfProfile(_ id: NodeID) -> Double {
        Percent.of(nodes[id.index].total, in: profileSamples)
    }

    /// A node's total as a share (0–100) of this tree's root.
    public func totalPercentOfRoot(_ id: NodeID) -> Double {
        Percent.of(nodes[id.index].total, in: nodes[0].total)
    }
}
