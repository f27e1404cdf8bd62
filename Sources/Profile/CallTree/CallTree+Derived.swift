extension CallTree {
    /// The bottom-up (callers) tree: every stack reversed, so the functions where samples
    /// landed are at the top and their callers below. A top-level node's total is that
    /// function's self samples (summed over every path that ended in it).
    public func inverted() -> CallTree {
        var builder = CallTreeBuilder(expectedNodes: nodes.count)
        forEachStack { path, count in builder.add(path.reversed(), count: count) }
        return builder.build(functions: functions, profileSamples: profileSamples,
                             isInverted: !isInverted)
    }

    /// The tree rooted at `function`: every stack through it, cut at its first (outermost)
    /// occurrence, merged. The root's total is the samples of stacks containing the function,
    /// its self the samples where it was the leaf; `profileSamples` still gives the whole.
    public func focused(on function: FunctionIdentity) -> CallTree {
        var table = functions
        let target = table.include(function)
        var builder = CallTreeBuilder(rootFunction: target)
        forEachStack { path, count in
            guard let first = path.firstIndex(of: target) else { return }
            builder.add(path[(first + 1)...], count: count)
        }
        return builder.build(functions: table, profileSamples: profileSamples,
                             isInverted: isInverted)
    }

    /// Calls `body` with each stack the tree was built from, as function indices from the root
    /// (the root's own function included when it has one), and the samples that ended there.
    private func forEachStack(_ body: (ArraySlice<Int32>, UInt64) -> Void) {
        let rootIsWholeProfile = nodes[0].function < 0
        var path: [Int32] = []
        var pending: [Int32] = [0]
        while let index = pending.popLast() {
            let node = nodes[Int(index)]
            path.removeLast(path.count - Int(node.depth))
            path.append(node.function)
            if node.selfSamples > 0 {
                body(rootIsWholeProfile ? path.dropFirst() : path[...], node.selfSamples)
            }
            let start = node.firstChild
            pending.append(contentsOf: (start..<start + node.childCount).reversed())
        }
    }
}
