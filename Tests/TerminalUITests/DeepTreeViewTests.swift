import Foundation
import Profile
import Sampling
import Testing
@testable import TerminalUI

/// The flame tree over one stack of 100 000 frames: its rows, expansion and selection used
/// to copy the path of every row (4 GB for 10 000 frames, issue 14); now each step is linear.
@Suite struct DeepTreeViewTests {
    static let depth = 100_000

    static func source() throws -> StaticProfileSource {
        let line = (0..<depth).map { "f\($0)" }.joined(separator: ";") + " 7\nf0;other 1\n"
        return StaticProfileSource(stacks: try FoldedReader().readTable(line), name: "deep.folded")
    }

    @Test func aHundredThousandFrameStackOpensNavigatesAndSearches() throws {
        var screen = ProfileScreen(isLive: false)
        screen.resize(width: 100, height: 30)
        let source = try Self.source()
        screen.note(source.snapshot())
        screen.apply(ProfileModel(snapshot: source.snapshot(), stacks: source.stacks, parameters: screen.modelParameters))

        // The hot path is open to the leaf: every frame is a row, plus the root and `other`.
        #expect(screen.tree.rows.count == Self.depth + 2)
        #expect(screen.tree.rows.last?.depth == 2, "f0 → other, below the long chain")
        var canvas = Canvas(width: 100, height: 30, glyphs: .ascii)
        screen.render(into: &canvas)
        #expect(canvas.line(0).contains("8 samples  2 stacks"))

        // Search jumps down to the leaf, then zooms into it and back.
        _ = screen.handle(.character("/"))
        for character in "f99999" { _ = screen.handle(.character(character)) }
        _ = screen.handle(.enter)
        #expect(screen.tree.selectedPath.functions.count == Self.depth)
        #expect(screen.tree.selectedPath.functions.last?.function == "f99999")
        _ = screen.handle(.character("z"))
        #expect(screen.tree.zoomedFunction?.function == "f99999")
        _ = screen.handle(.character("Z"))
        #expect(screen.tree.zoom.isEmpty)
        #expect(screen.tree.selectedPath.functions.last?.function == "f99999")
        screen.render(into: &canvas)

        // A new tree keeps the selection 100 000 levels down.
        screen.apply(ProfileModel(snapshot: source.snapshot(), stacks: source.stacks, parameters: screen.modelParameters))
        #expect(screen.tree.selectedPath.functions.count == Self.depth)
    }

    @Test func compactingThePathTableKeepsWhatIsReferred() {
        var table = CallPathTable()
        let a = table.child(of: CallPathTable.root, FunctionIdentity(function: "a"))
        let ab = table.child(of: a, FunctionIdentity(function: "b"))
        let ac = table.child(of: a, FunctionIdentity(function: "c"))
        _ = table.child(of: ac, FunctionIdentity(function: "d"))
        let (compacted, remap) = table.compacted(keeping: [ab])
        #expect(compacted.count == 3, "the root, a and a→b")
        #expect(compacted.path(of: remap(ab)) == CallTree.Path([FunctionIdentity(function: "a"),
                                                                 FunctionIdentity(function: "b")]))
        #expect(compacted.depth(of: remap(ab)) == 2)
    }
}
