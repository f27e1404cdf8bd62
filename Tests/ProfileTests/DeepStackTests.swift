import Profile
import Testing

/// Profiles shaped to break anything that is not linear in its input: one stack of 100 000
/// frames (16 000 used to abort `view`: issue 14), and a file read both ways.
@Suite struct DeepStackTests {
    static let depth = 100_000
    static let deepLine = (0..<depth).map { "f\($0)" }.joined(separator: ";") + " 7"

    @Test func aHundredThousandFrameStackBuildsATreeOfThatDepth() throws {
        let table = try FoldedReader().readTable(Self.deepLine)
        #expect(table.stackCount == 1)
        #expect(table.frameCount == Self.depth)
        let tree = CallTree(table)
        #expect(tree.nodeCount == Self.depth + 1)
        let leaf = try #require(tree.node(atFunctionNames: (0..<Self.depth).map { "f\($0)" }))
        #expect(tree.depth(of: leaf) == Self.depth)
        #expect(tree.selfSamples(of: leaf) == 7)
        #expect(tree.path(of: leaf).functions.count == Self.depth)
        expectConsistent(tree)

        let inverted = tree.inverted()
        #expect(inverted.nodeCount == Self.depth + 1)
        let focused = tree.focused(on: FunctionIdentity(function: "f50000"))
        #expect(focused.nodeCount == Self.depth - 50_000)
        #expect(focused.totalSamples(of: focused.root) == 7)

        let stats = FunctionStats(table)
        #expect(stats.functions.count == Self.depth)
        #expect(stats[FunctionIdentity(function: "f99999")]?.selfSamples == 7)
        #expect(stats[FunctionIdentity(function: "f0")]?.totalSamples == 7)
    }

    /// The compact table and `StackCounts` read the same profile from the same text.
    @Test func readingIntoATableAgreesWithReadingIntoCounts() throws {
        let text = """
            # a comment
            swapper;do_idle_[k];default_idle_[k] 12
            app;main;parse (parse.c:12);lex_[i] 5
            app;main;parse (parse.c:12);lex_[i] 3

            app;main;compute 40
            app;-;sys_read_[k] 2
            [unknown] 1
            app;main 0
            """
        let options = FoldedReader.Options(rootIsProcess: true)
        let counts = try FoldedReader(options: options).read(text)
        let table = try FoldedReader(options: options).readTable(text)
        #expect(table.stackCounts() == counts)
        #expect(table.totalSamples == counts.totalSamples)
        // Lines, not unique stacks: the two `lex` lines are two entries of the table.
        #expect(table.stackCount == 6)
        let fromTable = FunctionStats(table), fromCounts = FunctionStats(counts)
        #expect(fromTable.functions == fromCounts.functions)
        #expect(CallTree(table).nodeCount == CallTree(counts).nodeCount)
        #expect(!fromTable.functions.contains { $0.identity.kind == .process }, "process roots are not functions")
    }

    @Test func aBadLineFailsTheTableReadWithItsNumber() {
        #expect(throws: FoldedReadError(lineNumber: 2, line: "main;;leaf 3", reason: .emptyFrame(position: 2))) {
            try FoldedReader().readTable("main;leaf 1\nmain;;leaf 3\n")
        }
        #expect(throws: FoldedReadError(lineNumber: 2, line: "b 1", reason: .totalTooLarge)) {
            try FoldedReader().readTable("a 18446744073709551615\nb 1\n")
        }
    }

    @Test func searchShareCountsEachStackOnce() throws {
        let table = try FoldedReader().readTable("main;parse;parse_inner 30\nmain;compute 70\n")
        #expect(table.share(matching: "parse") == 30)
        #expect(table.share(matching: "main") == 100)
        #expect(table.share(matching: "nothing") == 0)
    }
}
