import Foundation
import Profile
import Sampling
import Testing
@testable import TerminalUI

@Suite struct DiffScreenTests {
    /// 50/30/20 before, 30/50/20 now: alpha shrank, beta grew, omega held; `gone` vanished
    /// and `fresh` is new.
    static let baseline = """
        main;run;alpha 500
        main;run;dispatch;beta 300
        main;run;dispatch;deep;omega 190
        main;gone 10
        """
    static let current = """
        main;run;alpha 300
        main;run;dispatch;beta 500
        main;run;dispatch;deep;omega 190
        main;fresh 10
        """

    func screen(width: Int = 100, height: Int = 30) throws -> ProfileScreen {
        let counts = try FoldedReader().read(Self.current)
        let source = StaticProfileSource(counts: counts, name: "new.folded",
                                         baseline: ProfileBaseline(counts: try FoldedReader().read(Self.baseline),
                                                                   name: "base.folded"))
        var screen = ProfileScreen(isLive: false)
        screen.resize(width: width, height: height)
        screen.compare(with: source.baseline)
        screen.update(source.snapshot(), stacks: source.stacks)
        return screen
    }

    func render(_ screen: ProfileScreen, width: Int = 100, height: Int = 30, glyphs: Glyphs = .unicode) -> Canvas {
        var canvas = Canvas(width: width, height: height, glyphs: glyphs)
        screen.render(into: &canvas)
        return canvas
    }

    func lines(_ canvas: Canvas, _ rows: Range<Int>) -> [String] {
        rows.map(canvas.line).filter { !$0.isEmpty }
    }

    @Test func theTableListsChangesBySizeWithFindingsMarked() throws {
        let canvas = render(try screen())
        let layout = ProfileLayout(width: 100, height: 30)
        #expect(canvas.line(layout.functionsHeader)
                == " Changes in self share (by size): 2 findings  (p < 0.001/9 and >= 1.0 pt)")
        #expect(canvas.line(layout.functionsColumns)
                == "   CHANGE     NOW  BEFORE   SAMPLES    BEFORE  VERDICT  FUNCTION")
        let rows = lines(canvas, layout.functionRows)
        #expect(rows.count == 9, "\(rows)")
        #expect(rows[0] == "-   -20.0   30.0%   50.0%       300       500  finding  alpha")
        #expect(rows[1] == "+   +20.0   50.0%   30.0%       500       300  finding  beta")
        // One point on 1000 samples: p = 0.0015, over 0.001 / 9, so new and vanished but noise.
        #expect(rows[2] == "     +1.0    1.0%    0.0%        10         0  noise    fresh new")
        #expect(rows[3] == "     -1.0    0.0%    1.0%         0        10  noise    gone gone")
        #expect(rows.contains("      0.0   19.0%   19.0%       190       190  noise    omega"))
        // Colour says the direction: red grows, green shrinks; noise is dim.
        let first = layout.functionRows.lowerBound
        #expect(canvas.style(row: first + 1, column: 0).role == .grew)
        #expect(canvas.style(row: first + 1, column: 5).role == .grew)
        #expect(canvas.style(row: first + 2, column: 5).role == .dim)
        // The table's selection is underlined while the tree pane has the focus.
        #expect(canvas.style(row: first, column: 5) == Style(.shrank, bold: true, underline: true))
        // New and vanished stand out.
        #expect(canvas.style(row: first + 2, column: rows[2].count - 1).role == .warning)
        #expect(canvas.style(row: first + 3, column: rows[3].count - 1).role == .warning)
    }

    @Test func theTreeOverlaysBothProfilesLargestChangeFirst() throws {
        var screen = try screen()
        _ = screen.handle(.tab) // the selection's highlight off the tree's first row
        let canvas = render(screen)
        let layout = ProfileLayout(width: 100, height: 30)
        #expect(canvas.line(layout.treeHeader)
                == " Diff tree: new.folded vs base.folded (total share now / before, change in points)  3 paths changed")
        #expect(lines(canvas, layout.treeRows) == [
            "      0.0    100%    100%  ▾ all",
            "      0.0    100%    100%   ▾ main",
            "     +1.0    1.0%    0.0%      fresh new",
            "     -1.0    0.0%    1.0%      gone gone",
            "      0.0   99.0%   99.0%    ▾ run",
            "+   +20.0   69.0%   49.0%     ▾ dispatch",
            "+   +20.0   50.0%   30.0%        beta",
            "      0.0   19.0%   19.0%      ▾ deep",
            "      0.0   19.0%   19.0%         omega",
            "-   -20.0   30.0%   50.0%       alpha",
        ])
        let dispatch = layout.treeRows.lowerBound + 5, alpha = layout.treeRows.lowerBound + 9
        #expect(canvas.style(row: dispatch, column: 0).role == .grew)
        #expect(canvas.style(row: alpha, column: 0).role == .shrank)
        #expect(canvas.style(row: alpha, column: 5).role == .shrank)
    }

    @Test func keysMoveFoldSwitchPanesAndFlipToThePlainProfile() throws {
        var screen = try screen()
        #expect(screen.isShowingDiff)
        let before = render(screen)
        #expect(screen.handle(.down) == .redraw)
        #expect(screen.handle(.enter) == .redraw) // folds main
        let folded = lines(render(screen), ProfileLayout(width: 100, height: 30).treeRows)
        #expect(folded.count == 2, "\(folded)")
        #expect(screen.handle(.tab) == .redraw)
        #expect(screen.handle(.down) == .redraw)
        let layout = ProfileLayout(width: 100, height: 30)
        #expect(render(screen).style(row: layout.functionRows.lowerBound + 1, column: 3) == .selection)
        #expect(screen.handle(.character("b")) == .redraw)
        #expect(!screen.isShowingDiff)
        #expect(render(screen).line(layout.treeHeader) == " Flame tree")
        #expect(render(screen).line(layout.footer).contains("b Diff"))
        _ = screen.handle(.character("b"))
        #expect(screen.isShowingDiff)
        #expect(before.line(layout.footer).hasPrefix("Tab Pane  Enter Fold  b Profile"))
    }

    @Test func asciiModeKeepsTheSignsAndMarks() throws {
        let canvas = render(try screen(), glyphs: .ascii)
        let text = canvas.text
        #expect(text.contains("+   +20.0   50.0%   30.0%        beta"))
        #expect(text.contains("-   -20.0   30.0%   50.0%       alpha"))
        #expect(text.contains("v dispatch"))
        #expect(!text.unicodeScalars.contains { $0.value > 127 })
    }

    @Test func helpInTheDiffListsItsKeys() throws {
        var screen = try screen()
        _ = screen.handle(.character("?"))
        let text = render(screen).text
        for entry in DiffScreen.helpSections.flatMap(\.keys) {
            #expect(text.contains(entry.description), "\(entry.description)\n\(text)")
        }
    }

    @Test func withoutABaselineTheScreenIsUnchanged() throws {
        var screen = ProfileScreen(isLive: false)
        screen.resize(width: 100, height: 30)
        screen.update(StaticProfileSource(counts: try FoldedReader().read(Self.current), name: "x").snapshot())
        #expect(screen.baseline == nil)
        #expect(screen.handle(.character("b")) == .none || !screen.isShowingDiff)
        #expect(!screen.isShowingDiff)
    }

    @Test(arguments: [(20, 8), (40, 12), (80, 24), (200, 60)])
    func drawsAtAnySizeWithoutOverflow(width: Int, height: Int) throws {
        let canvas = render(try screen(width: width, height: height), width: width, height: height)
        for row in 0..<height { #expect(canvas.line(row).count <= width) }
    }
}
