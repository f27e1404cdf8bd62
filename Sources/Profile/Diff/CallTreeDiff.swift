/// Two call trees laid over each other: every call path of either, with its total share in
/// the baseline and now. Siblings are ordered by the size of the change, so the paths that
/// moved most come first. A node's change counts by the rule of `ProfileDiff` (the z-test of
/// its total share, Bonferroni over the nodes, and at least `minimumPoints`).
public struct CallTreeDiff: Sendable {
    public struct Node: Sendable, Equatable {
        /// nil for the root (the whole profile).
        public let identity: FunctionIdentity?
        public let path: CallTree.Path
        public let depth: Int
        public let baselineSamples: UInt64
        public let currentSamples: UInt64
        public let baselinePercent: Double
        public let currentPercent: Double
        public let presence: ProfileDiff.Presence
        public let test: ShareTest
        public internal(set) var verdict: ProfileDiff.Verdict
        /// Indices into `nodes`, largest change first.
        public internal(set) var children: [Int]

        /// Positive when the path takes a larger share now.
        public var delta: Double { currentPercent - baselinePercent }
    }

    /// Preorder; `nodes[0]` is the root.
    public private(set) var nodes: [Node] = []
    public let rule: ProfileDiff.Rule

    public init(baseline: CallTree, current: CallTree, rule: ProfileDiff.Rule = .init()) {
        self.rule = rule
        append(baseline: (baseline, baseline.root), current: (current, current.root),
               identity: nil, path: [], depth: 0)
        let threshold = rule.alpha / Double(max(1, nodes.count))
        for index in nodes.indices {
            let node = nodes[index]
            let counts = node.test.pValue < threshold && abs(node.delta) >= rule.minimumPoints
            nodes[index].verdict = counts ? .finding : .noise
        }
    }

    public var root: Node { nodes[0] }

    private mutating func append(baseline: (tree: CallTree, node: CallTree.NodeID?),
                                 current: (tree: CallTree, node: CallTree.NodeID?),
                                 identity: FunctionIdentity?, path: [FunctionIdentity], depth: Int) {
        let before = baseline.node.map { baseline.tree.totalSamples(of: $0) } ?? 0
        let after = current.node.map { current.tree.totalSamples(of: $0) } ?? 0
        let beforeTotal = baseline.tree.profileSamples, afterTotal = current.tree.profileSamples
        let index = nodes.count
        nodes.append(Node(identity: identity, path: CallTree.Path(path), depth: depth,
                          baselineSamples: before, currentSamples: after,
                          baselinePercent: Self.percent(before, of: beforeTotal),
                          currentPercent: Self.percent(after, of: afterTotal),
                          presence: baseline.node == nil ? .new : (current.node == nil ? .vanished : .both),
                          test: ShareTest(baseline: before, of: beforeTotal, current: after, of: afterTotal),
                          verdict: .noise, children: []))

        var pairs: [FunctionIdentity: (baseline: CallTree.NodeID?, current: CallTree.NodeID?)] = [:]
        for child in baseline.node.map({ baseline.tree.children(of: $0) }) ?? [] {
            if let function = baseline.tree.identity(of: child) { pairs[function, default: (nil, nil)].baseline = child }
        }
        for child in current.node.map({ current.tree.children(of: $0) }) ?? [] {
            if let function = current.tree.identity(of: child) { pairs[function, default: (nil, nil)].current = child }
        }
        func share(_ tree: CallTree, _ node: CallTree.NodeID?) -> Double {
            node.map { Self.percent(tree.totalSamples(of: $0), of: tree.profileSamples) } ?? 0
        }
        let ordered = pairs.map { function, nodes in
            (function: function, nodes: nodes,
             before: share(baseline.tree, nodes.baseline), after: share(current.tree, nodes.current))
        }.sorted { left, right in
            let leftChange = abs(left.after - left.before), rightChange = abs(right.after - right.before)
            if leftChange != rightChange { return leftChange > rightChange }
            let leftSize = max(left.after, left.before), rightSize = max(right.after, right.before)
            if leftSize != rightSize { return leftSize > rightSize }
            return left.function < right.function
        }
        var children: [Int] = []
        for child in ordered {
            children.append(nodes.count)
            append(baseline: (baseline.tree, child.nodes.baseline), current: (current.tree, child.nodes.current),
                   identity: child.function, path: path + [child.function], depth: depth + 1)
        }
        nodes[index].children = children
    }

    private static func percent(_ part: UInt64, of whole: UInt64) -> Double {
        whole == 0 ? 0 : Double(part) * 100 / Double(whole)
    }
}
