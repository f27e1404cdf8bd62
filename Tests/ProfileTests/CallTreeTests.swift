import Profile
import Testing

@Suite struct CallTreeTests {
    /// 13 samples; `d` and `e` tie.
    let profile = counts((stack("main", "a", "b"), 4), (stack("main", "a", "c"), 3),
                         (stack("main", "d"), 2), (stack("main", "e"), 2),
                         (stack("main"), 1), (stack("other"), 1))

    @Test func sumsTotalsAndSelfAndOrdersChildren() {
        let tree = CallTree(profile)
        #expect(tree.nodeCount == 8)
        #expect(tree.profileSamples == 13)
        #expect(!tree.isInverted)
        #expect(tree.focus == nil)
        #expect(rows(tree) == [
            "[] 13/0",
            "[main] 12/1", "[main a] 7/0", "[main a b] 4/4", "[main a c] 3/3",
            "[main d] 2/2", "[main e] 2/2",
            "[other] 1/1",
        ])
        expectConsistent(tree)
        let root = tree[tree.root]
        #expect(root.identity == nil && root.frame == nil && root.parent == nil && root.depth == 0)
        #expect(root.childCount == 2)
    }

    @Test func navigatesParentsChildrenAndPaths() throws {
        let tree = CallTree(profile)
        let main = try #require(tree.node(atFunctionNames: ["main"]))
        #expect(tree.children(of: tree.root).map { tree[$0].identity?.function } == ["main", "other"])
        #expect(tree.children(of: main).map { tree[$0].identity?.function } == ["a", "d", "e"])
        let a = try #require(tree.node(atFunctionNames: ["main", "a"]))
        let c = try #require(tree.node(atFunctionNames: ["main", "a", "c"]))
        #expect(tree[c].depth == 3)
        #expect(tree.parent(of: c) == a)
        #expect(tree.parent(of: tree.root) == nil)
        #expect(tree.path(of: c) == [user("main"), user("a"), user("c")])
        #expect(tree.path(of: c).description == "main → a → c")
        #expect(tree.totalPercentOfProfile(main) == 1200.0 / 13)
    }

    @Test func findsNodesByPathAcrossSnapshots() throws {
        let first = CallTree(profile)
        for id in first.nodeIDs {
            #expect(first.node(at: first.path(of: id)) == id)
        }
        var grown = profile
        grown.add(stack("main", "z"), count: 20)
        let second = CallTree(grown)
        let path: CallTree.Path = [user("main"), user("a"), user("c")]
        let c = try #require(second.node(at: path))
        #expect(second.totalSamples(of: c) == 3)
        #expect(second.node(at: [user("main"), user("zzz")]) == nil)
        #expect(second.node(at: [FunctionIdentity(function: "main", kind: .kernel)]) == nil)
        #expect(second.node(atFunctionNames: ["main", "nope"]) == nil)
        #expect(second.node(at: []) == second.root)
    }

    @Test func mergesFramesOfOneFunctionAndShowsTheHottest() throws {
        let tree = CallTree(counts(
            (Stack([Frame(function: "main"), Frame(function: "f", sourceFile: "f.c", line: 10)]), 3),
            (Stack([Frame(function: "main"), Frame(function: "f", sourceFile: "f.c", line: 20)]), 5),
            (Stack([Frame(function: "main"), Frame(function: "f", module: "libf.so")]), 1)))
        #expect(rows(tree) == ["[] 9/0", "[main] 9/0", "[main f] 8/8", "[main f] 1/1"])
        let f = try #require(tree.node(at: [user("main"), user("f")]))
        #expect(tree[f].frame == Frame(function: "f", sourceFile: "f.c", line: 20))
        let other = try #require(tree.node(at: [user("main"), FunctionIdentity(function: "f", module: "libf.so")]))
        #expect(tree[other].totalSamples == 1)
    }

    @Test func invertsIntoCallers() throws {
        let inverted = CallTree(profile).inverted()
        #expect(inverted.isInverted)
        #expect(rows(inverted) == [
            "[] 13/0",
            "[b] 4/0", "[b a] 4/0", "[b a main] 4/4",
            "[c] 3/0", "[c a] 3/0", "[c a main] 3/3",
            "[d] 2/0", "[d main] 2/2",
            "[e] 2/0", "[e main] 2/2",
            "[main] 1/1",
            "[other] 1/1",
        ])
        expectConsistent(inverted)
        let twice = inverted.inverted()
        #expect(!twice.isInverted)
        #expect(rows(twice) == rows(CallTree(profile)))
    }

    @Test func invertsRecursionPathByPath() {
        let inverted = CallTree(counts((stack("main", "a", "a"), 2), (stack("main", "a"), 1))).inverted()
        #expect(rows(inverted) == ["[] 3/0", "[a] 3/0", "[a a] 2/0", "[a a main] 2/2", "[a main] 1/1"])
    }

    @Test func focusesOnAFunctionFromItsFirstOccurrence() throws {
        let profile = counts((stack("main", "a", "b"), 4), (stack("main", "a", "c", "a", "b"), 2),
                             (stack("x", "a"), 1), (stack("main", "d"), 3))
        let focused = CallTree(profile).focused(on: user("a"))
        #expect(focused.focus == user("a"))
        #expect(focused.profileSamples == 10)
        #expect(rows(focused) == [
            "[] 7/1",
            "[b] 4/4", "[c] 2/0",
            "[c a] 2/0",
            "[c a b] 2/2",
        ])
        expectConsistent(focused)
        #expect(focused.totalPercentOfProfile(focused.root) == 70)
        let b = try #require(focused.node(atFunctionNames: ["b"]))
        #expect(focused.totalPercentOfRoot(b) == 400.0 / 7)
        #expect(focused.totalPercentOfProfile(b) == 40)
        #expect(focused[focused.root].frame == Frame(function: "a"))
    }

    @Test func focusingOnAMissingFunctionGivesAnEmptyTree() {
        let focused = CallTree(profile).focused(on: user("nowhere"))
        #expect(focused.nodeCount == 1)
        #expect(focused.totalSamples(of: focused.root) == 0)
        #expect(focused.focus == user("nowhere"))
        #expect(focused[focused.root].frame == Frame(function: "nowhere"))
        #expect(focused.totalPercentOfRoot(focused.root) == 0)
    }

    @Test func focusedTreesInvertToTheirCallees() {
        let profile = counts((stack("main", "a", "b"), 4), (stack("x", "a", "b"), 1), (stack("x", "a"), 2))
        let callersOfA = CallTree(profile).focused(on: user("a")).inverted()
        #expect(rows(callersOfA) == ["[] 7/0", "[b] 5/0", "[b a] 5/5", "[a] 2/2"])
        let callersView = CallTree(profile).inverted().focused(on: user("a"))
        #expect(rows(callersView) == ["[] 7/0", "[main] 4/4", "[x] 3/3"])
    }

    @Test func anEmptyProfileIsJustARoot() {
        let tree = CallTree(StackCounts())
        #expect(tree.nodeCount == 1)
        #expect(tree.children(of: tree.root).isEmpty)
        #expect(tree.totalPercentOfProfile(tree.root) == 0)
        #expect(rows(CallTree(counts((Stack([]), 4)))) == ["[] 4/4"])
    }
}

/// Every node in display order (depth first, children by total) as `[path] total/self`.
func rows(_ tree: CallTree) -> [String] {
    var rows: [String] = []
    var pending = [tree.root]
    while let id = pending.popLast() {
        let node = tree[id]
        let path = tree.path(of: id).functions.map(\.function).joined(separator: " ")
        rows.append("[\(path)] \(node.totalSamples)/\(node.selfSamples)")
        pending += tree.children(of: id).reversed()
    }
    return rows
}

/// Totals are self plus the children's totals, children are sorted, self sums to the root.
/// Uses the cheap per-field accessors: it also runs over trees of 700 000 nodes.
func expectConsistent(_ tree: CallTree, sourceLocation: SourceLocation = #_sourceLocation) {
    var selfSum: UInt64 = 0
    var pending = [tree.root]
    var visited = 0
    var problems: [String] = []
    while let id = pending.popLast() {
        visited += 1
        let total = tree.totalSamples(of: id), selfSamples = tree.selfSamples(of: id)
        let children = tree.children(of: id)
        selfSum += selfSamples
        let childTotals = children.map { tree.totalSamples(of: $0) }
        if total != selfSamples + childTotals.reduce(0, +) {
            problems.append("\(tree.path(of: id)): total \(total) is not self + children")
        }
        for (left, right) in zip(children, children.dropFirst()) {
            let leftTotal = tree.totalSamples(of: left), rightTotal = tree.totalSamples(of: right)
            if leftTotal < rightTotal
                || (leftTotal == rightTotal && !(tree.identity(of: left)! < tree.identity(of: right)!)) {
                problems.append("children of \(tree.path(of: id)) are out of order")
            }
        }
        let depth = tree.depth(of: id)
        for child in children where tree.parent(of: child) != id || tree.depth(of: child) != depth + 1 {
            problems.append("a child of \(tree.path(of: id)) has the wrong parent or depth")
        }
        pending += children
    }
    #expect(problems.prefix(5) == [], sourceLocation: sourceLocation)
    #expect(visited == tree.nodeCount, sourceLocation: sourceLocation)
    #expect(selfSum == tree.totalSamples(of: tree.root), sourceLocation: sourceLocation)
}
