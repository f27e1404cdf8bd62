import Foundation
import Profile
import TestSupport
import Testing

/// The timeline in the real TUI (tmux) on a process that changes what it does
/// halfway: a window over each half shows that half's function only, a window
/// marked as the baseline opens the diff, and an export writes the window shown.
@Suite(.serialized)
struct TimelineSystemTests {
    /// Seconds sampled, from the status line ("0:07 (until stopped)").
    static func elapsed(in screen: String) -> Int {
        guard let range = screen.range(of: #"[0-9]+:[0-9]{2} \(until stopped\)"#, options: .regularExpression) else { return 0 }
        let parts = screen[range].split(separator: " ")[0].split(separator: ":").compactMap { Int($0) }
        return parts.count == 2 ? parts[0] * 60 + parts[1] : 0
    }

    /// N of "window: last N s" on the timeline.
    static func windowSeconds(in screen: String) -> Int? {
        guard let match = screen.firstMatch(of: /window: last ([0-9]+) s/) else { return nil }
        return Int(match.1)
    }

    @Test(.needsRoot) func windowsBaselineAndExportFollowTheSecondsShown() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = try TemporaryDirectory()
        defer { state.remove() }
        let workload = try Workloads.start(try Workloads.build("phases", in: directory))
        defer { workload.terminate() }
        let tmux = try TerminalUISystemTests().flametop(["--pid", "\(workload.pid)", "-F", "199"], in: directory,
                                                         state: state, width: 120, height: 40)
        defer { tmux.close() }

        // Four seconds of the first half, then the switch, then four of the second.
        try tmux.waitUntil("4 s of first_half", timeout: 30) {
            Self.elapsed(in: $0) >= 4 && TerminalUISystemTests.selfPercent(of: "first_half", in: $0) != nil
        }
        workload.signal(SIGUSR1)
        #expect(workload.waitForOutput("switched", inStderr: false, timeout: 10))
        let switchedAt = Self.elapsed(in: try tmux.capture())
        try tmux.waitUntil("4 s of second_half", timeout: 30) {
            Self.elapsed(in: $0) >= switchedAt + 5 && TerminalUISystemTests.selfPercent(of: "second_half", in: $0) != nil
        }

        // The last 2 s: the second half alone. t gives the last 10 s; > narrows it by 1 s,
        // one key at a time, each seen on screen before the next.
        // (A window longer than the seconds held narrows from what is held.)
        try tmux.sendKeys("t")
        var shown = Self.windowSeconds(in: try tmux.waitFor("window: last 10 s", timeout: 10))
        while let seconds = shown, seconds > 2 {
            try tmux.sendKeys(">")
            shown = Self.windowSeconds(in: try tmux.waitUntil("the window narrowed from \(seconds) s", timeout: 10) {
                Self.windowSeconds(in: $0).map { $0 < seconds } ?? false
            })
        }
        #expect(shown == 2)
        let recent = try tmux.waitUntil("the window of the last 2 s", timeout: 10) {
            $0.contains("window: last 2 s") && TerminalUISystemTests.selfPercent(of: "first_half", in: $0) == nil
        }
        #expect(TerminalUISystemTests.selfPercent(of: "second_half", in: recent) != nil, "\(recent)")

        // 10 s earlier: clamped to the session's first 2 s, the first half alone.
        try tmux.sendKeys("{")
        let early = try tmux.waitUntil("the window of the first 2 s", timeout: 10) {
            $0.contains("window: 0–2 s") && TerminalUISystemTests.selfPercent(of: "second_half", in: $0) == nil
        }
        #expect(TerminalUISystemTests.selfPercent(of: "first_half", in: early) != nil, "\(early)")

        // That window as the baseline, the newest 2 s against it: the diff view.
        try tmux.sendKeys("m")
        try tmux.sendKeys("}")
        let diff = try tmux.waitUntil("the diff of now against the first 2 s", timeout: 10) {
            $0.contains("baseline (0–2 s") && $0.contains("second_half") && $0.contains("first_half")
        }
        #expect(diff.contains("+"), "growth is marked:\n\(diff)")

        // Back to the profile; the export writes the window and names it.
        try tmux.sendKeys("b")
        try tmux.waitFor("window: last 2 s", timeout: 10)
        try tmux.sendKeys("e")
        try tmux.sendKeys("f")
        try tmux.waitFor("-last2s.folded", timeout: 10)
        try tmux.sendKeys("Enter")
        try tmux.waitFor("exported to", timeout: 10)
        let exported = try #require(try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .first { $0.hasSuffix("-last2s.folded") })
        let counts = try FoldedReader().read(try String(contentsOfFile: directory.file(exported), encoding: .utf8))
        #expect(counts.totalSamples > 0)
        #expect(counts.counts.keys.allSatisfy { $0.leaf?.function != "first_half" }, "only the window's seconds")
        #expect(counts.counts.keys.contains { $0.leaf?.function == "second_half" })
        try tmux.sendKeys("q")
        try tmux.sendKeys("q")
        #expect(try tmux.waitForExit() == 0)
    }
}
