/// Grows a prefix tree of function indices with a hash from (parent, function) to child, then
/// lays it out breadth-first so that every node's children sit next to each other, sorted.
struct CallTreeBuilder {
    static let noFunction: Int32 = -1
    static let root: Int32 = 0

    private var function: [Int32]
    private var total: [UInt64]
    private var selfSamples: [UInt64]
    private var parent: [Int32]
    private var firstChild: [Int32]
    private var nextSibling: [Int32]
    private var childOf: [UInt64: Int32] = [:]

    init(rootFunction: Int32 = noFunction, expectedNodes: Int = 0) {
        function = [rootFunction]
        total = [0]
        selfSamples = [0]
        parent = [-1]
        firstChild = [-1]
        nextSibling = [-1]
        if expectedNodes > 0 {
            function.reserveCapacity(expectedNodes)
            total.reserveCapacity(expectedNodes)
            selfSamples.reserveCapacity(expectedNodes)
            parent.reserveCapacity(expectedNodes)
            firstChild.reserveCapacity(expectedNodes)
            nextSibling.reserveCapacity(expectedNodes)
            childOf.reserveCapacity(expectedNodes)
        }
    }

    /// Counts `count` samples into the root.
    mutating func addToRoot(_ count: UInt64) {
        total[0] += count
    }

    /// Counts `count` samples into the child of `node` for `childFunction`, creating it.
    mutating func descend(from node: Int32, into childFunction: Int32, count: UInt64) -> Int32 {
        let key = UInt64(UInt32(bitPattern: node)) << 32 | UInt64(UInt32(bitPattern: childFunction))
        let child: Int32
        if let known = childOf[key] {
            child = known
        } else {
            child = Int32(function.count)
            function.append(childFunction)
            total.append(0)
            selfSamples.append(0)
            parent.append(node)
            firstChild.append(-1)
            nextSibling.append(firstChild[Int(node)])
            firstChild[Int(node)] = child
            childOf[key] = child
        }
        total[Int(child)] += count
        return child
    }

    /// Counts `count` samples as spent in `node` itself (it was the stack's end).
    mutating func addSelf(_ count: UInt64, to node: Int32) {
        selfSamples[Int(node)] += count
    }

    /// Adds a whole path of function indices below the root.
    mutating func add<Path: Sequence>(_ path: Path, count: UInt64) where Path.Element == Int32 {
        addToRoot(count)
        var node = Self.root
        for function in path { node = descend(from: node, into: function, count: count) }
        addSelf(count, to: node)
    }

    /// Children sorted by total (highest first), equal totals by function name, so a node's id
    /// and position depend only on the counts.
    func build(functions: FunctionTable, profileSamples: UInt64, isInverted: Bool) -> CallTree {
        let nodeCount = function.count
        var order: [Int32] = [Self.root]
        order.reserveCapacity(nodeCount)
        var newIndex = [Int32](repeating: -1, count: nodeCount)
        newIndex[0] = 0
        var childStart = [Int32](repeating: 0, count: nodeCount)
        var childCount = [Int32](repeating: 0, count: nodeCount)
        var siblings: [Int32] = []
        let identities = functions.identities
        var head = 0
        while head < order.count {
            let node = Int(order[head])
            head += 1
            siblings.removeAll(keepingCapacity: true)
            var child = firstChild[node]
            while child >= 0 {
                siblings.append(child)
                child = nextSibling[Int(child)]
            }
            siblings.sort { left, right in
                let leftTotal = total[Int(left)], rightTotal = total[Int(right)]
                if leftTotal != rightTotal { return leftTotal > rightTotal }
                return identities[Int(function[Int(left)])] < identities[Int(function[Int(right)])]
            }
            childStart[node] = Int32(order.count)
            childCount[node] = Int32(siblings.count)
            for sibling in siblings {
                newIndex[Int(sibling)] = Int32(order.count)
                order.append(sibling)
            }
        }

        var nodes: [CallTree.Storage] = []
        nodes.reserveCapacity(nodeCount)
        for old in order.lazy.map({ Int($0) }) {
            let oldParent = Int(parent[old])
            let newParent = oldParent < 0 ? -1 : newIndex[oldParent]
            nodes.append(CallTree.Storage(
                function: function[old], parent: newParent,
                firstChild: childStart[old], childCount: childCount[old],
                depth: newParent < 0 ? 0 : nodes[Int(newParent)].depth + 1,
                total: total[old], selfSamples: selfSamples[old]))
        }
        return CallTree(nodes: nodes, functions: functions, profileSamples: profileSamples,
                        isInverted: isInverted)
    }
}
