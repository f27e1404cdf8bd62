import Foundation
import Profile
import Sampling
import Testing
@testable import TerminalUI

@Suite struct TimelineWindowTests {
    let held: ClosedRange<Int64> = 0...99

    @Test func presetsCycleAllThenLastTenThenLastSixty() {
        var timeline = TimelineWindow()
        #expect(timeline.window == .all)
        timeline.cyclePreset()
        #expect(timeline.window == .last(seconds: 10))
        timeline.cyclePreset()
        #expect(timeline.window == .last(seconds: 60))
        timeline.cyclePreset()
        #expect(timeline.window == .all)
    }

    @Test func movingEarlierFixesTheWindowAndMovingBackToNowAnchorsIt() {
        var timeline = TimelineWindow()
        timeline.cyclePreset() // last 10 s: 90…99
        timeline.move(by: -1, held: held)
        #expect(timeline.window == .seconds(89...98))
        timeline.move(by: -10, held: held)
        #expect(timeline.window == .seconds(79...88))
        timeline.move(by: -1000, held: held)
        #expect(timeline.window == .seconds(0...9), "clamped to the oldest second held")
        timeline.move(by: 1000, held: held)
        #expect(timeline.window == .last(seconds: 10), "at the newest second it slides again")
    }

    @Test func resizingGrowsAndShrinksAtTheStart() {
        var timeline = TimelineWindow()
        timeline.cyclePreset()
        timeline.resize(by: 5, held: held)
        #expect(timeline.window == .last(seconds: 15))
        timeline.move(by: -5, held: held)
        timeline.resize(by: -100, held: held)
        #expect(timeline.window == .seconds(94...94), "at least one second")
    }

    @Test func namesAndFileSuffixes() {
        #expect(TimelineWindow.describe(.last(seconds: 10)) == "last 10 s")
        #expect(TimelineWindow.describe(.seconds(20...29)) == "20–30 s")
        #expect(TimelineWindow.fileSuffix(.all) == "")
        #expect(TimelineWindow.fileSuffix(.last(seconds: 10)) == "-last10s")
        #expect(TimelineWindow.fileSuffix(.seconds(20...29)) == "-s20-30")
    }

    @Test func sparklineScalesToThePeakAndKeepsNonZeroSecondsVisible() {
        #expect(String(Sparkline.characters([0, 1, 50, 100], ascii: false)) == " ▁▄█")
        #expect(String(Sparkline.characters([0, 1, 50, 100], ascii: true)) == " .=@")
        #expect(String(Sparkline.characters([0, 0], ascii: false)) == "  ")
    }

    // MARK: The screen

    /// 20 seconds: "early" in seconds 0–9, "late" in 10–19, 10 samples each second.
    static func snapshot() throws -> SessionSnapshot {
        var slices = TimeSlices(capacity: 600)
        var total = StackCounts()
        for second in 0..<20 {
            let counts = try FoldedReader().read(second < 10 ? "main;early 10" : "main;late 10")
            slices.record(counts, second: Int64(second))
            total.merge(counts)
        }
        var snapshot = SessionSnapshot(settings: SessionSettings(target: .process(pid: 7)), counts: total,
                                       statistics: SamplingStatistics(), state: .running,
                                       startedAt: Date(timeIntervalSince1970: 0), elapsed: 20,
                                       targetName: "worker", generation: 1)
        snapshot.slices = slices
        return snapshot
    }

    func screen() throws -> ProfileScreen {
        var screen = ProfileScreen(isLive: true)
        screen.resize(width: 100, height: 30)
        screen.update(try Self.snapshot())
        return screen
    }

    func render(_ screen: ProfileScreen) -> Canvas {
        var canvas = Canvas(width: 100, height: 30)
        screen.render(into: &canvas)
        return canvas
    }

    func functions(_ screen: ProfileScreen) -> Set<String> {
        Set(screen.model?.stats.functions.map(\.identity.function) ?? [])
    }

    @Test func timelineRowShowsEverySecondAndTheWindow() throws {
        let canvas = render(try screen())
        let line = canvas.line(2)
        #expect(line.hasPrefix(" " + String(repeating: "█", count: 20)), "\(line)")
        #expect(line.contains("window: all · 200 samples · history "), "\(line)")
        #expect(canvas.line(3).hasPrefix(" Flame tree"))
    }

    @Test func aWindowShowsOnlyItsSecondsFunctions() throws {
        var screen = try screen()
        #expect(functions(screen) == ["main", "early", "late"])
        _ = screen.handle(.character("t")) // last 10 s: seconds 10–19
        #expect(screen.window == .last(seconds: 10))
        #expect(screen.needsModel(for: try #require(screen.latest)), "a moved window is rebuilt")
        screen.update(try Self.snapshot())
        #expect(functions(screen) == ["main", "late"])
        #expect(render(screen).line(2).contains("window: last 10 s · 100 samples"))
        _ = screen.handle(.character("{")) // seconds 0–9
        screen.update(try Self.snapshot())
        #expect(screen.window == .seconds(0...9))
        #expect(functions(screen) == ["main", "early"])
        // The window's seconds stand out on the timeline.
        let canvas = render(screen)
        #expect(canvas[2, 1].style == .hot && canvas[2, 11].style == .dim)
    }

    @Test func markingAWindowOpensTheDiffAgainstIt() throws {
        var screen = try screen()
        _ = screen.handle(.character("t"))
        _ = screen.handle(.character("{")) // seconds 0–9: only "early"
        screen.update(try Self.snapshot())
        _ = screen.handle(.character("m"))
        #expect(screen.isShowingDiff)
        #expect(screen.baseline?.counts.totalSamples == 100)
        #expect(screen.baseline?.name.contains("0–10 s") == true)
        _ = screen.handle(.character("b")) // back to the profile; the window moves to "now"
        _ = screen.handle(.character("}"))
        screen.update(try Self.snapshot())
        #expect(functions(screen) == ["main", "late"])
        #expect(screen.shownCounts(of: try #require(screen.latest)).totalSamples == 100)
    }

    @Test func theExportNameSaysWhichWindow() throws {
        var screen = try screen()
        _ = screen.handle(.character("t"))
        _ = screen.handle(.character("e"))
        _ = screen.handle(.character("f"))
        let footer = render(screen).line(29)
        #expect(footer.hasPrefix("Export folded stacks (last 10 s) to: flametop-worker-7-"), "\(footer)")
        #expect(footer.contains("-last10s.folded"), "\(footer)")
    }

    @Test func withoutHistoryTheWindowKeysSaySo() throws {
        var snapshot = try Self.snapshot()
        snapshot.slices = nil
        var screen = ProfileScreen(isLive: true)
        screen.resize(width: 100, height: 30)
        screen.update(snapshot)
        _ = screen.handle(.character("t"))
        #expect(screen.window == .all)
        #expect(screen.message?.text.contains("--history 0") == true)
        #expect(render(screen).line(2).hasPrefix(" Flame tree"), "no timeline row")
    }
}

extension TimelineWindowTests {
    @Test func oneKeyNarrowsByOneSecond() throws {
        var screen = try screen()
        _ = screen.handle(.character("t"))
        _ = screen.handle(.character(">"))
        #expect(screen.window == .last(seconds: 9))
        _ = screen.handle(.character("<"))
        #expect(screen.window == .last(seconds: 10))
    }
}
