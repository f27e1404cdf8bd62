import Foundation
import Profile
import Sampling
import Testing
@testable import TerminalUI

/// The rewind history on screen, without a terminal: the timeline's low-rate part, the
/// unit of a window over both rates, and the process list's line about the recorder.
@Suite struct RewindScreenTests {
    private let hot = Stack([Frame(function: "main"), Frame(function: "hot")])
    private let now = Stack([Frame(function: "main"), Frame(function: "now")])

    /// Three seconds of history at 19 Hz, then two of the session's own at 99 Hz.
    func seededSnapshot() -> SessionSnapshot {
        var settings = SessionSettings(target: .process(pid: 4242))
        settings.frequency = 99
        settings.historySeconds = 600
        var slices = TimeSlices(capacity: 600)
        for second in Int64(-3)...(-1) { slices.seed(StackCounts([(hot, UInt64(19))]), second: second, hz: 19) }
        for second in Int64(0)...1 { slices.record(StackCounts([(now, UInt64(99))]), second: second) }
        var snapshot = SessionSnapshot(settings: settings, counts: StackCounts([(now, UInt64(198))]),
                                       statistics: SamplingStatistics(), state: .running,
                                       startedAt: Date(timeIntervalSince1970: 0), elapsed: 2,
                                       targetName: "worker", generation: 1)
        snapshot.slices = slices
        return snapshot
    }

    func render(_ snapshot: SessionSnapshot, width: Int = 100, height: Int = 24) -> (Canvas, ProfileScreen) {
        var screen = ProfileScreen(isLive: true)
        screen.resize(width: width, height: height)
        screen.update(snapshot)
        var canvas = Canvas(width: width, height: height)
        screen.render(into: &canvas)
        return (canvas, screen)
    }

    @Test func theTimelineMarksTheLowRatePart() throws {
        let (canvas, screen) = render(seededSnapshot())
        let row = try #require(screen.layout.timeline)
        let line = canvas.line(row)
        #expect(line.contains("19 Hz before you chose it"), "\(line)")
        // Five seconds: three low-rate bars in their own colour, the bar that ends them, two of the session's.
        #expect(line.hasPrefix(" ███│██"), "\(line)")
        #expect((1...3).allSatisfy { canvas[row, $0].style == .kernel })
        #expect(canvas[row, 5].style == .warm)
        // Equal CPU time each second at both rates: equal bars, and the whole is CPU time.
        #expect(line.contains("window: all · 5.00 s CPU"), "\(line)")
    }

    @Test func aWindowOverBothRatesIsShownAsTime() throws {
        let (canvas, _) = render(seededSnapshot())
        let text = (0..<canvas.height).map(canvas.line).joined(separator: "\n")
        #expect(text.contains("TIME"), "\(text)")
        #expect(text.contains("Top functions (by self time)"))
        // 3 s of `hot` against 2 s of `now`: 60% and 40%, not 57 of 255 samples.
        #expect(text.contains("60.0%") && text.contains("40.0%"), "\(text)")
    }

    @Test func aWindowInsideOnePartCountsThatPartsSamples() {
        let snapshot = seededSnapshot()
        let history = snapshot.counts(of: .seconds(-3...(-1)))
        #expect(history.unit == .samples(hz: 19))
        #expect(history.counts == StackCounts([(hot, UInt64(57))]))
        let own = snapshot.counts(of: .last(seconds: 2))
        #expect(own.unit == .samples(hz: 99))
        #expect(own.counts == StackCounts([(now, UInt64(198))]))
    }

    @Test func windowKeysReachTheSecondsBeforeTheSession() {
        var screen = ProfileScreen(isLive: true)
        screen.resize(width: 100, height: 24)
        screen.update(seededSnapshot())
        _ = screen.handle(.character("t")) // the last 10 s: clamped to the 5 held
        _ = screen.handle(.character(">"))
        _ = screen.handle(.character(">"))
        _ = screen.handle(.character(">"))
        _ = screen.handle(.character(">")) // the last 1 s
        _ = screen.handle(.character("{")) // 10 s earlier: clamped to the oldest, second -3
        #expect(screen.window == .seconds(-3...(-3)), "\(screen.window)")
    }

    @Test func theProcessListSaysWhatTheHistoryHoldsAndCosts() {
        var cost = HistoryStatus.Cost()
        cost.drainCPUShare = 0.0003
        cost.programCPUShare = 0.0002
        cost.kernelMapBytes = 333 << 10
        let running = HistoryStatus(hz: 19, phase: .running, heldSeconds: 252, processes: 80, samples: 9000,
                                    evictedSamples: 0, uniqueStacks: 700, ringBytes: 612 << 10,
                                    byteBudget: 16 << 20, cost: cost, counters: .init())
        #expect(HistoryWords.line(running).text == "rewind 19 Hz: 4:12 held, cost 0.05% CPU · 612K + 333K kernel")
        cost.programCPUShare = nil
        var unmeasured = running
        unmeasured.cost = cost
        #expect(HistoryWords.line(unmeasured).text.contains("cost 0.03% CPU + BPF unmeasured"))
        var failed = running
        failed.phase = .failed(SamplingError(.insufficientPrivileges, operation: "load the BPF program"))
        #expect(HistoryWords.line(failed) == ("rewind off: needs root (or CAP_BPF and CAP_PERFMON)", true))

        var list = ProcessListScreen()
        list.history = failed
        var canvas = Canvas(width: 120, height: 10)
        list.render(into: &canvas)
        #expect(canvas.line(1).contains("rewind off: needs root"))
        list.history = nil
        list.historyTurnedOff = true
        canvas = Canvas(width: 120, height: 10)
        list.render(into: &canvas)
        #expect(canvas.line(1).contains("rewind off (--history-rate 0)"))
    }
}
