import Profile
import Testing

@Suite struct CallTreeDiffTests {
    @Test func overlaysEveryPathOfBothTreesLargestChangeFirst() {
        let baseline = counts((stack("main", "a"), 500), (stack("main", "b", "c"), 480), (stack("main", "old"), 20))
        let current = counts((stack("main", "a"), 300), (stack("main", "b", "c"), 680), (stack("main", "new"), 20))
        let diff = CallTreeDiff(baseline: CallTree(baseline), current: CallTree(current))
        #expect(diff.root.identity == nil)
        #expect(diff.root.baselinePercent == 100 && diff.root.currentPercent == 100)
        let main = diff.nodes[diff.root.children[0]]
        #expect(main.path == [user("main")])
        // b and a moved 20 points (b first: the larger share), new and old 2 points each.
        let children = main.children.map { diff.nodes[$0] }
        #expect(children.map { $0.identity?.function } == ["b", "a", "new", "old"])
        #expect(children.map(\.delta) == [20, -20, 2, -2])
        #expect(children.map(\.presence) == [.both, .both, .new, .vanished])
        #expect(children[0].path == [user("main"), user("b")])
        #expect(diff.nodes[children[0].children[0]].identity?.function == "c")
        #expect(diff.nodes[children[0].children[0]].depth == 3)
    }

    @Test func onlyLargeSignificantChangesOfAPathCount() {
        let baseline = counts((stack("main", "a"), 500), (stack("main", "b"), 490), (stack("main", "x"), 10))
        let current = counts((stack("main", "a"), 300), (stack("main", "b"), 690), (stack("main", "x"), 10))
        let diff = CallTreeDiff(baseline: CallTree(baseline), current: CallTree(current))
        let verdicts = Dictionary(uniqueKeysWithValues: diff.nodes.compactMap { node in
            node.identity.map { ($0.function, node.verdict) }
        })
        #expect(verdicts == ["main": .noise, "a": .finding, "b": .finding, "x": .noise])
    }
}
