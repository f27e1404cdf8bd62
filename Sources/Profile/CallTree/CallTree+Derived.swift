extension CallTree {
    /// The bottom-up (callers) tree: every stack reversed, so the functions where samples
    /// landed are at the top and their callers below. A top-level node's total is that
    /// function's self samples (summed over every path that ended in it).
    public func inverted() -> CallTree {
        var paths = CallPaths(expectedPaths: nodes.count / 8)
        forEachStack { path, count in paths.append(path.reversed(), count: count) }
        return CallTreeBuilder.build(paths, functions: functions, profileSamples: profileSamples,
                                     isInverted: !isInverted)
    }

    /// The tree rooted at `function`: every stack through it, cut at its first (outermost)
    /// occurrence, merged. The root's total is the samples of stacks containing the function,
    /// its self the samples where it was the leaf; `profileSamples` still gives the whole.
    public func focused(on function: FunctionIdentity) -> CallTree {
        var table = functions
        let target = table.include(function)
        var paths = CallPaths()
        forEachStack { path, count in
            guard let first = path.firstIndex(of: target) else { return }
            paths.append(path[(first + 1)...], count: count)
        }
        return CallTreeBuilder.build(paths, rootFunction: target, functions: table,
                                     profileSamples: profileSamples, isInverted: isInverted)
    }

    /// Calls `body` with each stack the tree was built from, as function indices from the root
    /// (the root's own function included when it has one), and the samples that ended there.
    private func forEachStack(_ body: (ArraySlice<Int32>, UInt64) -> Void) {
        let rootIsWholeProfile = nodes[0].function < 0
        var path: [Int32] = []
        // Storage is in preorder, so a node's path is its parent's path plus itself.
        for node in nodes {
            path.removeLast(path.count - Int(node.depth))
            path.append(node.function)
            if node.selfSamples > 0 {
                body(rootIsWholeProfile ? path.dropFirst() : path[...], node.selfSamples)
            }
        }
    }
}
