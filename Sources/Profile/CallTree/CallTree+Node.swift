extension CallTree {
    /// A node's position in one tree's storage; stable for that tree's lifetime only.
    public struct NodeID: Hashable, Sendable, Comparable {
        public let index: Int

        init(_ index: Int) {
            self.index = index
        }

        public static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.index < rhs.index }
    }

    /// A read-only view of one node.
    public struct Node: Sendable, Equatable {
        public let id: NodeID
        /// nil only for the root of a whole-profile tree.
        public let identity: FunctionIdentity?
        /// The frame shown for this function (the one with the most samples); nil with `identity`.
        public let frame: Frame?
        /// Samples of all stacks through this node.
        public let totalSamples: UInt64
        /// Samples of the stacks that end at this node.
        public let selfSamples: UInt64
        /// 0 for the root.
        public let depth: Int
        public let parent: NodeID?
        public let childCount: Int
    }

    /// The functions from the root (exclusive) down to a node: what a UI stores to find "the
    /// same" node again in the next snapshot's tree.
    public struct Path: Hashable, Sendable, ExpressibleByArrayLiteral, CustomStringConvertible {
        public var functions: [FunctionIdentity]

        public init(_ functions: [FunctionIdentity]) {
            self.functions = functions
        }

        public init(arrayLiteral functions: FunctionIdentity...) {
            self.functions = functions
        }

        public var description: String { functions.map(\.function).joined(separator: " → ") }
    }

    public func path(of id: NodeID) -> Path {
        var functions: [FunctionIdentity] = []
        var index = id.index
        while nodes[index].parent >= 0 {
            functions.append(self.functions.identity(Int(nodes[index].function)))
            index = Int(nodes[index].parent)
        }
        return Path(functions.reversed())
    }

    /// The node at `path`, or nil when this tree has no such call path.
    public func node(at path: Path) -> NodeID? {
        var current = 0
        for identity in path.functions {
            guard let function = functions.index(of: identity),
                  let child = child(of: current, where: { nodes[$0].function == function }) else {
                return nil
            }
            current = child
        }
        return NodeID(current)
    }

    /// The node reached by following function names from the root; where several functions
    /// share a name (different modules), the child with the higher total wins.
    public func node(atFunctionNames names: [String]) -> NodeID? {
        var current = 0
        for name in names {
            guard let child = child(of: current, where: { index in
                let function = nodes[index].function
                return function >= 0 && functions.name(Int(function)) == name
            }) else { return nil }
            current = child
        }
        return NodeID(current)
    }

    private func child(of node: Int, where matches: (Int) -> Bool) -> Int? {
        children[childRange(node)].lazy.map { Int($0) }.first(where: matches)
    }
}
