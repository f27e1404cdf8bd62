import Profile
import Testing

/// A profile shaped like a busy process: 20 000 distinct stacks, 40 frames deep, four callees
/// to choose from at every level, so prefixes are shared near the root and fan out below.
@Suite struct CallTreeScaleTests {
    static let profile: StackCounts = {
        let callees = (0..<40).map { level in
            (0..<4).map { choice in
                Frame(function: "level\(level)_callee\(choice)", module: "app",
                      sourceFile: "app.c", line: level * 10 + choice)
            }
        }
        var random = SplitMix64(seed: 0x666c_616d_6574_6f70)
        var profile = StackCounts()
        while profile.uniqueStacks < 20_000 {
            let frames = callees.map { $0[Int(random.next() % 4)] }
            profile.add(Stack(frames), count: 1 + random.next() % 7)
        }
        return profile
    }()

    static let tree = CallTree(profile)

    @Test func totalsAddUpInABigTree() {
        let profile = Self.profile
        let tree = Self.tree
        #expect(tree.totalSamples(of: tree.root) == profile.totalSamples)
        #expect(tree.profileSamples == profile.totalSamples)
        // Every stack ends in a distinct 40-deep leaf.
        let leaves = tree.nodeIDs.filter { tree[$0].childCount == 0 }
        #expect(leaves.count == 20_000)
        #expect(leaves.allSatisfy { tree[$0].depth == 40 })
        expectConsistent(tree)
    }

    @Test func invertedTopLevelMatchesSelfSamples() throws {
        let profile = Self.profile
        let inverted = Self.tree.inverted()
        expectConsistent(inverted)
        let stats = FunctionStats(profile)
        let topLevel = inverted.children(of: inverted.root)
        #expect(topLevel.count == stats.functions.filter { $0.selfSamples > 0 }.count)
        for id in topLevel {
            let identity = try #require(inverted.identity(of: id))
            #expect(inverted.totalSamples(of: id) == stats[identity]?.selfSamples)
        }
        #expect(inverted.inverted().nodeCount == Self.tree.nodeCount)
    }

    @Test func focusedRootMatchesTotalSamples() throws {
        let profile = Self.profile
        let tree = Self.tree
        let stats = FunctionStats(profile)
        for function in ["level0_callee2", "level20_callee1", "level39_callee3"] {
            let identity = FunctionIdentity(function: function, module: "app")
            let focused = tree.focused(on: identity)
            #expect(focused.totalSamples(of: focused.root) == stats[identity]?.totalSamples)
            #expect(focused.selfSamples(of: focused.root) == stats[identity]?.selfSamples)
            expectConsistent(focused)
        }
    }

    /// The builder sorts paths by a word of their first functions packed together (2 bits a
    /// function for 3 names, 14 for the ~9,000 of 70,000 a run picks): stacks that are
    /// prefixes of each other, of any length, must still merge into one node per prefix.
    @Test(arguments: [3, 70_000])
    func everyDistinctPrefixIsOneNode(alphabet: Int) throws {
        let names = (0..<alphabet).map { Frame(function: "fn\($0)") }
        var random = SplitMix64(seed: UInt64(alphabet))
        var profile = StackCounts()
        var selfByPath: [[Int]: UInt64] = [:]
        var prefixes = Set<[Int]>()
        for _ in 0..<3_000 {
            let length = 1 + Int(random.next() % 12)
            // Half the picks from four names, so prefixes are shared; half from all of them.
            let path = (0..<length).map { _ in
                Int(random.next() % UInt64(random.next() % 2 == 0 ? min(alphabet, 4) : alphabet))
            }
            let count = 1 + random.next() % 5
            profile.add(Stack(path.map { names[$0] }), count: count)
            selfByPath[path, default: 0] += count
            for end in 1...length { prefixes.insert(Array(path[..<end])) }
        }
        let tree = CallTree(profile)
        expectConsistent(tree)
        #expect(tree.nodeCount == prefixes.count + 1)
        for (path, samples) in selfByPath {
            let node = try #require(tree.node(at: CallTree.Path(path.map { names[$0].identity })))
            #expect(tree.selfSamples(of: node) == samples)
        }
    }
}

/// Steele, Lea and Flood's SplitMix64: a fixed seed gives the same profile on every run.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
