/// Builds a call tree without hashing a node: sort the paths, then walk them in order — paths
/// that share a prefix are neighbours, so each path reuses the nodes of the common prefix with
/// the one before it and creates the rest. Nodes come out in preorder, siblings in name order
/// (function indices follow names); each node's children are then listed by total.
enum CallTreeBuilder {
    static let noFunction: Int32 = -1

    static func build(_ paths: CallPaths, rootFunction: Int32 = noFunction, functions: FunctionTable,
                      profileSamples: UInt64, isInverted: Bool) -> CallTree {
        let ends = paths.ends, counts = paths.counts
        var nodes: [CallTree.Storage] = []
        // Children per node while building; the tree keeps only where each run starts.
        var childCounts: [Int32] = []
        paths.items.withUnsafeBufferPointer { items in
            paths.functionOfItem.withUnsafeBufferPointer { functionOfItem in
                let mapped = !functionOfItem.isEmpty
                @inline(__always) func function(_ position: Int) -> Int32 {
                    mapped ? functionOfItem[Int(items[position])] : items[position]
                }
                func range(_ path: Int32) -> Range<Int> {
                    (path == 0 ? 0 : Int(ends[Int(path) - 1]))..<Int(ends[Int(path)])
                }
                // Each path's first functions packed into one word (index + 1, 0 past the end,
                // so a shorter path sorts first): most comparisons end there, without reading
                // the paths through two arrays (a third of a million-line file's build).
                let bits = max(1, Int.bitWidth - (functions.count + 1).leadingZeroBitCount)
                let packed = 64 / bits
                var keys = [UInt64](repeating: 0, count: ends.count)
                for path in keys.indices {
                    let span = range(Int32(path))
                    var key: UInt64 = 0
                    for offset in 0..<packed {
                        key <<= UInt64(bits)
                        if offset < span.count { key |= UInt64(function(span.lowerBound + offset)) + 1 }
                    }
                    keys[path] = key
                }
                var order = [Int32](0..<Int32(ends.count))
                order.sort { left, right in
                    let leftKey = keys[Int(left)], rightKey = keys[Int(right)]
                    if leftKey != rightKey { return leftKey < rightKey }
                    let leftPath = range(left), rightPath = range(right)
                    let limit = min(leftPath.count, rightPath.count)
                    var offset = packed
                    while offset < limit {
                        let leftFunction = function(leftPath.lowerBound + offset)
                        let rightFunction = function(rightPath.lowerBound + offset)
                        if leftFunction != rightFunction { return leftFunction < rightFunction }
                        offset += 1
                    }
                    return leftPath.count < rightPath.count
                }
                // How many leading functions each path shares with the one before it in order;
                // counting first lets the node array be allocated once at its final size.
                var shared = [Int32](repeating: 0, count: order.count)
                var nodeCount = 1
                for position in order.indices {
                    let path = range(order[position])
                    if position > 0 {
                        let previous = range(order[position - 1])
                        let limit = min(path.count, previous.count)
                        var length = 0
                        while length < limit
                            && function(path.lowerBound + length) == function(previous.lowerBound + length) {
                            length += 1
                        }
                        shared[position] = Int32(length)
                    }
                    nodeCount += path.count - Int(shared[position])
                }

                nodes.reserveCapacity(nodeCount)
                childCounts = [Int32](repeating: 0, count: nodeCount)
                nodes.append(CallTree.Storage(function: rootFunction, parent: -1, depth: 0, childStart: 0,
                                              total: 0, selfSamples: 0))
                // The nodes along the previous path, by depth − 1.
                var current: [Int32] = []
                for (position, pathIndex) in order.enumerated() {
                    let path = range(pathIndex)
                    current.removeLast(current.count - Int(shared[position]))
                    for offset in (path.lowerBound + Int(shared[position]))..<path.upperBound {
                        let parent = current.last ?? 0
                        current.append(Int32(nodes.count))
                        nodes.append(CallTree.Storage(function: function(offset), parent: parent,
                                                      depth: Int32(current.count), childStart: 0,
                                                      total: 0, selfSamples: 0))
                        childCounts[Int(parent)] += 1
                    }
                    let count = counts[Int(pathIndex)]
                    nodes[0].total += count
                    for node in current { nodes[Int(node)].total += count }
                    nodes[Int(current.last ?? 0)].selfSamples += count
                }
            }
        }
        let children = listChildren(&nodes, childCounts: childCounts)
        return CallTree(nodes: nodes, children: children, functions: functions,
                        profileSamples: profileSamples, isInverted: isInverted)
    }

    /// Every node's children in one array, each node's run sorted by total, highest first.
    /// Nodes are in preorder with siblings in name order, so ties keep name order by index.
    private static func listChildren(_ nodes: inout [CallTree.Storage], childCounts: [Int32]) -> [Int32] {
        var next: Int32 = 0
        for index in nodes.indices {
            nodes[index].childStart = next
            next += childCounts[index]
        }
        var children = [Int32](repeating: 0, count: Int(next))
        var filled = [Int32](repeating: 0, count: nodes.count)
        for index in 1..<max(nodes.count, 1) {
            let parent = Int(nodes[index].parent)
            children[Int(nodes[parent].childStart + filled[parent])] = Int32(index)
            filled[parent] += 1
        }
        nodes.withUnsafeBufferPointer { nodes in
            for (index, node) in nodes.enumerated() where childCounts[index] > 1 {
                let run = Int(node.childStart)..<Int(node.childStart + childCounts[index])
                children[run].sort { left, right in
                    let leftTotal = nodes[Int(left)].total, rightTotal = nodes[Int(right)].total
                    return leftTotal != rightTotal ? leftTotal > rightTotal : left < right
                }
            }
        }
        return children
    }
}
