import Foundation
import TestSupport
import Testing

/// Rewind in the real TUI (tmux): while the process list is open the history samples every
/// process at 19 Hz; Enter on a workload that has been hot for seconds opens a profile whose
/// timeline shows the low-rate part and whose tree names the hot function at once, with
/// more CPU time in it than the session has run.
@Suite(.serialized)
struct RewindSystemTests {
    /// Seconds held, from the list's "rewind 19 Hz: 0:12 held".
    static func heldSeconds(in screen: String) -> Int? {
        guard let match = screen.firstMatch(of: /rewind [0-9]+ Hz: ([0-9]+):([0-9]{2}) held/) else { return nil }
        return Int(match.1)! * 60 + Int(match.2)!
    }

    /// CPU seconds the window holds, from the timeline's "window: all · 13.55 s CPU".
    static func cpuSeconds(in screen: String) -> Double? {
        guard let match = screen.firstMatch(of: /window: all · ([0-9.]+) s CPU/) else { return nil }
        return Double(match.1)
    }

    /// Whether the top-functions table has a row for `function` (its TIME column holds a
    /// unit, so `TerminalUISystemTests.selfPercent` cannot read it).
    static func tableNames(_ function: String, in screen: String) -> Bool {
        screen.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            return fields.first?.hasSuffix("%") == true && fields.contains(Substring(function))
        }
    }

    @Test(.needsRoot) func enterOpensAProfileThatHoldsTheSecondsBefore() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = try TemporaryDirectory()
        defer { state.remove() }
        let workload = try Workloads.start(try Workloads.build("phases", in: directory, output: "rewind-phases"))
        defer { workload.terminate() }
        let tmux = try TerminalUISystemTests().flametop(["-F", "99"], in: directory, state: state, width: 120, height: 40)
        defer { tmux.close() }

        // The history runs and has held the hot workload for 6 s (a loaded host may take longer).
        try tmux.waitUntil("6 s of rewind history with the workload hot", timeout: 40) {
            (Self.heldSeconds(in: $0) ?? 0) >= 6 && (ProcessCPU.seconds(of: workload.pid) ?? 0) >= 5
        }
        try tmux.sendKeys("/")
        try tmux.type("rewind-phases")
        try tmux.sendKeys("Enter")
        try tmux.waitUntil("the workload alone in the list") { $0.contains(": 1 of") && $0.contains("rewind-phases") }
        try tmux.sendKeys("Enter")

        // At once: the low-rate part on the timeline, first_half in the table, and more CPU
        // time than the session has sampled (a one-thread workload burns at most 1 s a second).
        let screen = try tmux.waitUntil("the profile with its rewind history", timeout: 15) { screen in
            guard screen.contains("19 Hz before you chose it"),
                  Self.tableNames("first_half", in: screen),
                  let cpu = Self.cpuSeconds(in: screen) else { return false }
            return cpu >= Double(TimelineSystemTests.elapsed(in: screen)) + 4
        }
        #expect(screen.contains("rewind-phases [\(workload.pid)]"))
        #expect(TimelineSystemTests.elapsed(in: screen) < 10, "the history was there from the start:\n\(screen)")
        #expect(screen.contains("TIME"), "a window over both rates is CPU time:\n\(screen)")

        // Back on the list, the history records again (Esc clears the autosave note and the
        // filter, so the info line shows it); q leaves.
        try tmux.sendKeys("q")
        try tmux.waitFor("leave", timeout: 10)
        try tmux.sendKeys("y")
        try tmux.waitFor("profile autosaved", timeout: 10)
        try tmux.sendKeys("Escape")
        try tmux.waitUntil("the list with the history running again", timeout: 15) {
            $0.contains("PID USER") && Self.heldSeconds(in: $0) != nil
        }
        try tmux.sendKeys("q")
        #expect(try tmux.waitForExit() == 0)
    }

    @Test(.needsRoot) func historyRateZeroTurnsItOff() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = try TemporaryDirectory()
        defer { state.remove() }
        let tmux = try TerminalUISystemTests().flametop(["--history-rate", "0"], in: directory, state: state,
                                                         width: 120, height: 30)
        defer { tmux.close() }
        try tmux.waitFor("rewind off (--history-rate 0)", timeout: 20)
        try tmux.sendKeys("q")
        #expect(try tmux.waitForExit() == 0)
    }
}
