import Foundation
import Pprof
import Profile
import Sampling
import Testing
@testable import TerminalUI

@Suite struct ProfileScreenTests {
    static let folded = """
        main;compute;hash 50
        main;parse;tokenize 30
        main;parse;read 10
        main;compute;hash;memcpy_[k] 5
        main;idle 5
        """

    static func snapshot(_ text: String = folded, generation: UInt64 = 1, state: SessionSnapshot.State = .running,
                         elapsed: Double = 12, duration: Int? = 30,
                         statistics: SamplingStatistics = SamplingStatistics()) throws -> SessionSnapshot {
        var settings = SessionSettings(target: .process(pid: 4242))
        settings.duration = duration
        return SessionSnapshot(settings: settings, counts: try FoldedReader().read(text), statistics: statistics,
                               state: state, startedAt: Date(timeIntervalSince1970: 0), elapsed: elapsed,
                               targetName: "worker", generation: generation)
    }

    func screen(_ snapshot: SessionSnapshot? = nil, live: Bool = true, width: Int = 80,
                height: Int = 24) throws -> ProfileScreen {
        var screen = ProfileScreen(isLive: live)
        screen.resize(width: width, height: height)
        screen.update(try snapshot ?? Self.snapshot())
        return screen
    }

    func render(_ screen: ProfileScreen, width: Int = 80, height: Int = 24, glyphs: Glyphs = .unicode) -> Canvas {
        var canvas = Canvas(width: width, height: height, glyphs: glyphs)
        screen.render(into: &canvas)
        return canvas
    }

    /// The tree pane's rows as text.
    func treeLines(_ canvas: Canvas) -> [String] {
        let layout = ProfileLayout(width: canvas.width, height: canvas.height)
        return layout.treeRows.map(canvas.line).filter { !$0.isEmpty }
    }

    @Test func hotPathIsExpandedOnFirstDisplay() throws {
        let canvas = render(try screen())
        #expect(treeLines(canvas) == [
            "▾   100% ██████████ all samples",
            " ▾   100% ██████████ main",
            "  ▾  55.0% ██████░░░░ compute",
            "   ▾  55.0% ██████░░░░ hash",
            "        5.0% █░░░░░░░░░ memcpy",
            "  ▸  40.0% ████░░░░░░ parse",
            "      5.0% █░░░░░░░░░ idle",
        ])
        #expect(canvas.line(2) == " Flame tree")
        #expect(canvas[3, 0].style == .selection)
        // Kernel frames have their own colour.
        #expect(canvas[7, 24].style == .kernel)
    }

    @Test func statusLineShowsTargetTimeSamplesAndLosses() throws {
        var statistics = SamplingStatistics()
        statistics.userStackMapFull = 3
        var screen = try screen(try Self.snapshot(statistics: statistics))
        screen.selfUsage = .init(cpuPercent: 1.5, residentBytes: 30 << 20)
        let canvas = render(screen)
        #expect(canvas.line(0) == " flametop  worker [4242]  0:12 / 0:30 (0:18 left)  100 samples  8/s  99 Hz")
        #expect(canvas.line(1) == " unwind auto→fp  flametop 1.5% CPU 30M  lost user stack map full (raise --stac…")
        let lostColumn = canvas.line(1).distance(of: "lost")
        #expect(canvas[1, lostColumn].style == .warning)

        screen.update(try Self.snapshot(generation: 2, state: .targetExited))
        let exited = render(screen)
        #expect(exited.line(1).hasPrefix(" process exited: profile frozen"))
        #expect(exited[1, 1].style == .warning)
        #expect(exited.line(0).contains("0:12 / 0:30  100 samples"))
    }

    /// Modules whose frames stay unresolved show in the status line with the fix.
    @Test func statusLineReportsUnresolvedModules() throws {
        var snapshot = try Self.snapshot()
        snapshot.unresolvedModules = ["app: 40% of 200 frames unresolved (no debug info): install app-dbgsym"]
        let canvas = render(try screen(snapshot), width: 160)
        let line = canvas.line(1)
        #expect(line.contains("no samples lost  unresolved app: 40% of 200 frames unresolved (no debug info)"), "\(line)")
        #expect(canvas[1, line.distance(of: "unresolved")].style == .warning)
    }

    @Test func expansionAndSelectionSurviveLiveUpdates() throws {
        var screen = try screen()
        // Select "parse" (row 5) and open it.
        for _ in 0..<5 { _ = screen.handle(.down) }
        #expect(screen.tree.selectedPath == ["main", "parse"].identities)
        _ = screen.handle(.right)
        // The next drain makes parse the hottest branch; its children reorder too.
        screen.update(try Self.snapshot(Self.folded + "\nmain;parse;read 100", generation: 2))
        let lines = treeLines(render(screen))
        #expect(lines[2] == "  ▾  70.0% ███████░░░ parse")
        #expect(lines[3] == "      55.0% ██████░░░░ read")
        #expect(lines[4] == "      15.0% ██░░░░░░░░ tokenize")
        #expect(lines[5] == "  ▾  27.5% ███░░░░░░░ compute")
        #expect(screen.tree.selectedPath == ["main", "parse"].identities)
        #expect(screen.tree.selectedIndex == 2)
    }

    @Test func aVanishedNodeMovesTheSelectionToItsClosestAncestor() throws {
        var screen = try screen()
        for _ in 0..<4 { _ = screen.handle(.down) }
        #expect(screen.tree.selectedPath == ["main", "compute", "hash", "memcpy"].identities(kernelLast: true))
        screen.update(try Self.snapshot("main;compute;hash 7\nmain;idle 3", generation: 2))
        #expect(screen.tree.selectedPath == ["main", "compute", "hash"].identities)
        screen.update(try Self.snapshot("other 1", generation: 3))
        #expect(screen.tree.selectedIndex == 0)
        screen.update(try Self.snapshot("", generation: 4))
        #expect(render(screen).line(3) == " no samples yet")
        #expect(screen.handle(.down) == .redraw)
    }

    @Test func keysFoldUnfoldAndMove() throws {
        var screen = try screen()
        _ = screen.handle(.character("-"))
        #expect(treeLines(render(screen)) == ["▾   100% ██████████ all samples", " ▸   100% ██████████ main"])
        _ = screen.handle(.down)
        _ = screen.handle(.enter)
        #expect(treeLines(render(screen)).count == 5)
        _ = screen.handle(.right)
        #expect(screen.tree.selectedPath == ["main", "compute"].identities)
        _ = screen.handle(.left)
        #expect(screen.tree.selectedPath == ["main"].identities)
        _ = screen.handle(.left)
        #expect(treeLines(render(screen)).count == 2)
        _ = screen.handle(.character("+"))
        #expect(treeLines(render(screen)).count == 9)
        _ = screen.handle(.end)
        #expect(screen.tree.selectedPath == ["main", "idle"].identities)
        _ = screen.handle(.home)
        #expect(screen.tree.selectedIndex == 0)
    }

    @Test func zoomShowsASubtreeAndEscapeReturns() throws {
        var screen = try screen()
        _ = screen.handle(.down)
        _ = screen.handle(.down)
        _ = screen.handle(.character("z"))
        let zoomed = render(screen)
        #expect(zoomed.line(2) == " Flame tree  zoom compute")
        #expect(treeLines(zoomed) == [
            "▾  55.0% ██████░░░░ compute",
            " ▾  55.0% ██████░░░░ hash",
            "      5.0% █░░░░░░░░░ memcpy",
        ])
        #expect(screen.handle(.escape) == .redraw)
        #expect(treeLines(render(screen)).count == 7)
        #expect(screen.tree.selectedPath == ["main", "compute"].identities)
    }

    @Test func invertShowsCallersWithTheirHotPathOpen() throws {
        var screen = try screen()
        _ = screen.handle(.character("i"))
        let canvas = render(screen)
        #expect(canvas.line(2) == " Flame tree: callers (bottom-up)")
        #expect(treeLines(canvas) == [
            "▾   100% ██████████ all samples",
            " ▾  50.0% █████░░░░░ hash",
            "  ▾  50.0% █████░░░░░ compute",
            "      50.0% █████░░░░░ main",
            " ▸  30.0% ███░░░░░░░ tokenize",
            " ▸  10.0% █░░░░░░░░░ read",
            " ▸   5.0% █░░░░░░░░░ idle",
            " ▸   5.0% █░░░░░░░░░ memcpy",
        ])
        // Back to top-down: that mode's expansion was kept.
        _ = screen.handle(.character("i"))
        #expect(treeLines(render(screen)).count == 7)
    }

    @Test func topFunctionsSortAndFocusTheTree() throws {
        var screen = try screen()
        var canvas = render(screen)
        #expect(canvas.line(14) == " Top functions (by self samples)")
        #expect(canvas.line(15) == "▼SELF%  TOTAL%    SAMPLES FUNCTION                         MODULE")
        #expect(canvas.line(16) == " 50.0%   55.0%         50 hash")
        #expect(canvas.line(17) == " 30.0%   30.0%         30 tokenize")
        _ = screen.handle(.tab)
        #expect(screen.pane == .functions)
        _ = screen.handle(.character("s"))
        canvas = render(screen)
        #expect(canvas.line(16) == "  0.0%    100%        100 main")
        #expect(canvas.line(17) == " 50.0%   55.0%         55 hash")
        // The selection stayed on hash when the order changed.
        #expect(screen.handle(.enter) == .redraw)
        #expect(screen.pane == .tree)
        canvas = render(screen)
        #expect(canvas.line(2) == " Flame tree  focus hash")
        #expect(treeLines(canvas) == ["▾  55.0% ██████░░░░ hash", "     5.0% █░░░░░░░░░ memcpy"])
        _ = screen.handle(.escape)
        #expect(render(screen).line(2) == " Flame tree")
    }

    @Test func searchHighlightsMatchesShowsTheirShareAndJumps() throws {
        var screen = try screen()
        _ = screen.handle(.character("/"))
        for character in "ToK" { _ = screen.handle(.character(character)) }
        #expect(render(screen).line(23) == "Search functions: ToK█")
        _ = screen.handle(.enter)
        let canvas = render(screen)
        #expect(canvas.line(2) == " Flame tree  \"tok\" 30.0% of samples")
        #expect(screen.tree.selectedPath == ["main", "parse", "tokenize"].identities)
        let row = 3 + screen.tree.selectedIndex
        #expect(canvas.line(row) == "   ▸  30.0% ███░░░░░░░ tokenize" || canvas.line(row).hasSuffix("tokenize"))
        #expect(canvas[row, 0].style.role == .selection)
        // The functions pane highlights it too.
        let functionRow = (16...22).first { canvas.line($0).hasSuffix("tokenize") }
        #expect(functionRow.map { canvas[$0, 26].style } == .match)
        _ = screen.handle(.character("n"))
        #expect(screen.tree.selectedPath == ["main", "parse", "tokenize"].identities)
        _ = screen.handle(.escape)
        #expect(screen.searchQuery == "")
        _ = screen.handle(.character("/"))
        for character in "zzz" { _ = screen.handle(.character(character)) }
        _ = screen.handle(.enter)
        #expect(screen.message?.text == "no function matches \"zzz\"")
    }

    @Test func pauseFreezesTheDisplayButNotTheStatus() throws {
        var screen = try screen()
        _ = screen.handle(.character("p"))
        screen.update(try Self.snapshot(Self.folded + "\nmain;idle 100", generation: 2))
        let canvas = render(screen)
        #expect(canvas.line(1).hasPrefix(" PAUSED (p resumes)"))
        #expect(canvas.line(0).contains("200 samples"))
        #expect(treeLines(canvas)[6] == "      5.0% █░░░░░░░░░ idle")
        _ = screen.handle(.character("p"))
        screen.update(try #require(screen.latest))
        #expect(treeLines(render(screen))[2] == "     52.5% █████░░░░░ idle")
    }

    @Test func leavingAnUnexportedProfileAsksFirst() throws {
        var screen = try screen()
        screen.now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(screen.handle(.character("q")) == .redraw)
        #expect(render(screen).line(23).hasPrefix("Not exported (the autosave stays). Leave it?"))
        #expect(screen.handle(.character("n")) == .redraw)
        #expect(screen.handle(.escape) == .redraw)
        #expect(screen.handle(.character("y")) == .closeProfile)

        _ = screen.handle(.character("e"))
        #expect(render(screen).line(23).hasPrefix("Export as: f folded stacks  p pprof"))
        _ = screen.handle(.character("f"))
        let expected = "flametop-worker-4242-\(ProfileFileName.timestamp(screen.now)).folded"
        #expect(render(screen).line(23) == "Export folded stacks to: \(expected)█")
        #expect(screen.handle(.enter) == .export(path: expected, format: .folded))
        screen.exportFinished(path: expected, error: nil)
        #expect(render(screen).line(23) == "exported to \(expected)")
        #expect(screen.handle(.character("q")) == .closeProfile)
        #expect(screen.handle(.character("r")) == .resetProfile)
        screen.didReset()
        #expect(screen.handle(.character("q")) == .redraw)
    }

    @Test func exportAsksTheFormatAndNamesTheFileAfterIt() throws {
        var screen = try screen()
        screen.now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(screen.handle(.character("e")) == .redraw)
        #expect(screen.handle(.character("x")) == .none, "other keys wait for an answer")
        #expect(screen.handle(.escape) == .redraw)
        #expect(!screen.isPrompting)
        _ = screen.handle(.character("e"))
        _ = screen.handle(.character("p"))
        let expected = "flametop-worker-4242-\(ProfileFileName.timestamp(screen.now)).pb.gz"
        #expect(render(screen).line(23) == "Export pprof to: \(expected)█")
        #expect(screen.handle(.enter) == .export(path: expected, format: .pprof))
    }

    @Test func aSavedProfileQuitsWithoutAsking() throws {
        var screen = try screen(live: false)
        let canvas = render(screen)
        #expect(canvas.line(0) == " flametop  worker  100 samples  5 stacks")
        #expect(canvas.line(1) == " saved profile")
        #expect(screen.handle(.character("r")) == .none)
        #expect(screen.handle(.character("w")) == .none, "a saved profile has no unwind mode to switch")
        #expect(screen.handle(.character("q")) == .quit)
    }

    @Test func unwindModeIsShownAndWSwitchesIt() throws {
        var screen = try screen()
        #expect(screen.handle(.character("w")) == .switchUnwind)

        var deciding = try Self.snapshot(generation: 2)
        deciding.unwind = .auto
        screen.update(deciding)
        #expect(render(screen).line(1).hasPrefix(" unwind auto (deciding)"))

        var manual = try Self.snapshot(generation: 3)
        manual.settings.unwind = .framePointers
        manual.statistics.framePointerStacks = 200
        manual.statistics.framePointerStacksIncomplete = 150
        screen.update(manual)
        let line = render(screen, width: 120).line(1)
        #expect(line.hasPrefix(" unwind fp  75% of stacks incomplete (no frame pointers): w for DWARF"), "\(line)")

        var dwarf = try Self.snapshot(generation: 4)
        dwarf.settings.unwind = .dwarf
        dwarf.unwind = .dwarf
        screen.update(dwarf)
        #expect(render(screen).line(1).hasPrefix(" unwind dwarf  no samples lost"))

        screen.show(message: "unwinding with DWARF: sampling restarted", isError: false)
        #expect(render(screen).line(23) == "unwinding with DWARF: sampling restarted")
    }

    @Test func truncatesToTheWidthAndUsesASCIIGlyphs() throws {
        let long = String(repeating: "VeryLongFunctionName", count: 10)
        let screen = try screen(try Self.snapshot("main;\(long) 3\nmain;short 1"))
        let canvas = render(screen, glyphs: .ascii)
        let lines = treeLines(canvas)
        #expect(lines[0] == "v   100% ########## all samples")
        #expect(lines[2].count == 80 && lines[2].hasSuffix("~"))
        #expect(lines[3] == "     25.0% ###....... short")
        for row in 0..<canvas.height { #expect(canvas.line(row).count <= 80) }
        let wide = render(screen, width: 300, height: 100)
        #expect(treeLines(wide)[0] == "▾   100% ████████████████████ all samples")
        #expect(wide.line(99).hasPrefix("Tab Pane"))
    }

    /// Short names on screen, `f` for the full ones, and search over both forms.
    @Test func shortAndFullNames() throws {
        let full = "void app::sort_all<main::{lambda(int, int)#1}>(std::vector<int, std::allocator<int> >&, main::{lambda(int, int)#1})"
        var screen = try screen(try Self.snapshot("main;\(full);std::sort<int*> 3\nmain;other 1"))
        #expect(render(screen).text.contains("app::sort_all<…>"))
        #expect(!render(screen).text.contains("void app::sort_all"))
        _ = screen.handle(.character("f"))
        #expect(render(screen, width: 300, height: 40).text.contains(full))
        _ = screen.handle(.character("f"))
        #expect(!render(screen).text.contains("void app::sort_all"))
        for query in ["app::sort_all<…>", "void app::sort_all<main::", "std::sort"] {
            _ = screen.handle(.character("/"))
            for character in query { _ = screen.handle(.character(character)) }
            _ = screen.handle(.enter)
            #expect(screen.searchShare == 75, "\(query)")
            _ = screen.handle(.escape)
        }
    }

    @Test func longErrorShowsWholeAboveTheFooter() throws {
        var screen = try screen()
        let error = "export failed: cannot create /tmp/a/b/c/d/e/f/g/h/i/j/k/profile.folded: No such file or directory\n"
            + "hint: choose a folder that exists"
        screen.show(message: error, isError: true)
        let lines = (0..<24).map { render(screen).line($0) }
        #expect(lines[21...].joined(separator: " ").contains("export failed: cannot create"), "\(lines[20...])")
        #expect(lines[21...].joined(separator: " ").contains("hint: choose a folder that exists"))
        #expect(!lines.joined().contains("?"))
    }

    @Test func helpListsEveryKey() throws {
        var screen = try screen()
        _ = screen.handle(.character("?"))
        // Every key and description fits, whole, at 80×24.
        let text = render(screen).text
        for entry in ProfileScreen.helpSections.flatMap(\.keys) {
            #expect(text.contains(entry.description), "\(entry.description)\n\(text)")
            #expect(text.contains(entry.key), "\(entry.key)")
        }
        _ = screen.handle(.character("z"))
        #expect(!screen.showsHelp)
        #expect(screen.tree.zoom.isEmpty)
    }
}

extension Array where Element == String {
    var identities: CallTree.Path { CallTree.Path(map { FunctionIdentity(function: $0) }) }

    func identities(kernelLast: Bool) -> CallTree.Path {
        CallTree.Path(enumerated().map { index, name in
            FunctionIdentity(function: name, kind: kernelLast && index == count - 1 ? .kernel : .user)
        })
    }
}

extension String {
    func distance(of needle: String) -> Int {
        guard let range = range(of: needle) else { return -1 }
        return distance(from: startIndex, to: range.lowerBound)
    }
}

@Suite struct TinyTerminalTests {
    @Test(arguments: [(0, 0), (1, 1), (10, 3), (20, 5), (40, 8), (80, 2)])
    func screensDrawAtAnySizeWithoutOverflow(width: Int, height: Int) throws {
        var profile = ProfileScreen(isLive: true)
        profile.resize(width: width, height: height)
        profile.update(try ProfileScreenTests.snapshot())
        var canvas = Canvas(width: width, height: height)
        profile.render(into: &canvas)
        _ = profile.handle(.character("?"))
        profile.render(into: &canvas)
        _ = profile.handle(.pageDown)
        _ = profile.handle(.tab)
        _ = profile.handle(.pageDown)
        profile.render(into: &canvas)

        var list = ProcessListScreen()
        list.resize(height: height)
        list.update(ProcessListScreenTests.snapshot(ProcessListScreenTests.sample))
        _ = list.handle(.pageDown)
        list.render(into: &canvas)
        _ = list.handle(.character("?"))
        list.render(into: &canvas)
        for row in 0..<canvas.height { #expect(DisplayWidth.of(canvas.line(row)) <= width) }
    }
}
