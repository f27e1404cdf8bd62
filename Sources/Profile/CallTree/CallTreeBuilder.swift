/// Builds a call tree without hashing a node: sort the paths, then walk them in order — paths
/// that share a prefix are neighbours, so each path reuses the nodes of the common prefix with
/// the one before it and creates the rest. Nodes come out in preorder, siblings in name order
/// (function indices follow names); each node's children are then listed by total.
enum CallTreeBuilder {
    static let noFunction: Int32 = -1

    static func build(_ paths: CallPaths, rootFunction: Int32 = noFunction, functions: FunctionTable,
                      profileSamples: UInt64, isInverted: Bool) -> CallTree {
        let flat = paths.functions, ends = paths.ends, counts = paths.counts
        var nodes: [CallTree.Storage] = []
        flat.withUnsafeBufferPointer { flat in
            func range(_ path: Int) -> Range<Int> { (path == 0 ? 0 : ends[path - 1])..<ends[path] }
            let order = (0..<ends.count).sorted { left, right in
                let leftPath = range(left), rightPath = range(right)
                let limit = min(leftPath.count, rightPath.count)
                var offset = 0
                while offset < limit {
                    let leftFunction = flat[leftPath.lowerBound + offset]
                    let rightFunction = flat[rightPath.lowerBound + offset]
                    if leftFunction != rightFunction { return leftFunction < rightFunction }
                    offset += 1
                }
                return leftPath.count < rightPath.count
            }
            // How many leading functions each path shares with the one before it in order;
            // counting first lets the node array be allocated once at its final size.
            var shared = [Int](repeating: 0, count: order.count)
            var nodeCount = 1
            for position in order.indices {
                let path = range(order[position])
                if position > 0 {
                    let previous = range(order[position - 1])
                    let limit = min(path.count, previous.count)
                    var length = 0
                    while length < limit && flat[path.lowerBound + length] == flat[previous.lowerBound + length] {
                        length += 1
                    }
                    shared[position] = length
                }
                nodeCount += path.count - shared[position]
            }

            nodes.reserveCapacity(nodeCount)
            nodes.append(CallTree.Storage(function: rootFunction, parent: -1, depth: 0, childStart: 0,
                                          childCount: 0, total: 0, selfSamples: 0))
            // The nodes along the previous path, by depth − 1.
            var current: [Int32] = []
            for (position, pathIndex) in order.enumerated() {
                let path = range(pathIndex)
                current.removeLast(current.count - shared[position])
                for offset in (path.lowerBound + shared[position])..<path.upperBound {
                    let parent = current.last ?? 0
                    current.append(Int32(nodes.count))
                    nodes.append(CallTree.Storage(function: flat[offset], parent: parent,
                                                  depth: Int32(current.count), childStart: 0, childCount: 0,
                                                  total: 0, selfSamples: 0))
                    nodes[Int(parent)].childCount += 1
                }
                let count = counts[pathIndex]
                nodes[0].total += count
                for node in current { nodes[Int(node)].total += count }
                nodes[Int(current.last ?? 0)].selfSamples += count
            }
        }
        let children = listChildren(&nodes)
        return CallTree(nodes: nodes, children: children, functions: functions,
                        profileSamples: profileSamples, isInverted: isInverted)
    }

    /// Every node's children in one array, each node's run sorted by total, highest first.
    /// Nodes are in preorder with siblings in name order, so ties keep name order by index.
    private static func listChildren(_ nodes: inout [CallTree.Storage]) -> [Int32] {
        var next = 0
        for index in nodes.indices {
            nodes[index].childStart = Int32(next)
            next += Int(nodes[index].childCount)
        }
        var children = [Int32](repeating: 0, count: next)
        var filled = [Int32](repeating: 0, count: nodes.count)
        for index in 1..<max(nodes.count, 1) {
            let parent = Int(nodes[index].parent)
            children[Int(nodes[parent].childStart + filled[parent])] = Int32(index)
            filled[parent] += 1
        }
        nodes.withUnsafeBufferPointer { nodes in
            for node in nodes where node.childCount > 1 {
                let run = Int(node.childStart)..<Int(node.childStart + node.childCount)
                children[run].sort { left, right in
                    let leftTotal = nodes[Int(left)].total, rightTotal = nodes[Int(right)].total
                    return leftTotal != rightTotal ? leftTotal > rightTotal : left < right
                }
            }
        }
        return children
    }
}
