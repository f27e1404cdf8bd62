import Foundation
import Testing
import TestSupport
@testable import TerminalUI

/// The whole UI in a real terminal (tmux), with real sampling sessions.
@Suite(.serialized) struct TerminalAppSystemTests {
    private func start(_ start: String, state: TemporaryDirectory, width: Int = 80, height: Int = 24,
                       extra: [String: String] = [:]) throws -> TmuxSession {
        var environment = [TerminalChild.variable: "app", "CHILD_START": start, "LANG": "C.UTF-8",
                           "SWIFT_BACKTRACE": "enable=no", "XDG_STATE_HOME": state.path]
        environment.merge(extra) { $1 }
        return try TmuxSession(TerminalChild.command(), width: width, height: height, environment: environment)
    }

    private func autosaved(in state: TemporaryDirectory) -> [String] {
        let directory = state.file("flametop")
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).map { "\(directory)/\($0)" }
    }

    /// Samples shown in the status line, e.g. "1,234 samples" → 1234.
    private func samples(in screen: String) -> Int {
        guard let line = screen.split(separator: "\n").first,
              let range = line.range(of: #"[0-9,]+ samples"#, options: .regularExpression) else { return 0 }
        return Int(line[range].split(separator: " ")[0].replacingOccurrences(of: ",", with: "")) ?? 0
    }

    @Test(.needsRoot) func pickAProcessProfileItExportAndGoBack() throws {
        let busy = try RunningProcess(["sh", "-c", "while :; do :; done"])
        defer { busy.terminate() }
        let state = try TemporaryDirectory()
        defer { state.remove() }
        let tmux = try start("list", state: state, extra: ["CHILD_DURATION": "0"])
        defer { tmux.close() }

        try tmux.waitFor("PID USER")
        try tmux.sendKeys("/")
        try tmux.type(String(busy.pid))
        try tmux.sendKeys("Enter")
        try tmux.waitUntil("the busy loop alone in the list") {
            $0.contains("filter \"\(busy.pid)\": 1 of") && $0.contains("while :; do :; done")
        }
        try tmux.sendKeys("Enter")
        let profiling = try tmux.waitUntil("samples of sh", timeout: 20) {
            $0.contains("sh [\(busy.pid)]") && self.samples(in: $0) >= 50 && $0.contains("all samples")
        }
        #expect(profiling.contains("Top functions"))

        // Resize redraws at both extremes.
        try tmux.resize(width: 300, height: 100)
        try tmux.waitUntil("a 300×100 frame") { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.count >= 100 && lines[99].hasPrefix("Tab Pane") && lines[99].hasSuffix("f Full names")
        }
        try tmux.resize(width: 80, height: 24)
        try tmux.waitUntil("an 80×24 frame") { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.count >= 24 && lines[23].hasPrefix("Tab Pane") && lines.allSatisfy { $0.count <= 80 }
        }

        let export = state.file("busy.folded")
        try tmux.sendKeys("e")
        try tmux.waitFor("Export as: f folded stacks")
        try tmux.sendKeys("f")
        try tmux.waitFor("Export folded stacks to: flametop-sh-\(busy.pid)-")
        try tmux.sendKeys("C-u")
        try tmux.type(export)
        try tmux.sendKeys("Enter")
        try tmux.waitFor("exported to")
        let exported = try String(contentsOfFile: export, encoding: .utf8)
        let firstLine = try #require(exported.split(separator: "\n").first)
        #expect(firstLine.range(of: #"^.+ [0-9]+$"#, options: .regularExpression) != nil, "\(firstLine)")

        // Exported: q goes straight back, and the autosave is named.
        try tmux.sendKeys("q")
        try tmux.waitUntil("the autosave named in the list") { screen in
            screen.split(separator: "\n").dropFirst().first?.contains("/flametop/flametop-sh-\(busy.pid)-") == true
        }
        try tmux.sendKeys("q")
        #expect(try tmux.waitForExit() == 0)
        let files = autosaved(in: state)
        #expect(files.count == 1)
        #expect(files.first.map { $0.contains("flametop-sh-\(busy.pid)-") } == true)
        #expect(try tmux.capture().contains("flametop: profile autosaved to \(files.first ?? "?")".prefix(60)))
    }

    @Test(.needsRoot) func sigtermWhileProfilingAutosavesAndRestoresTheTerminal() throws {
        let busy = try RunningProcess(["sh", "-c", "while :; do :; done"])
        defer { busy.terminate() }
        let state = try TemporaryDirectory()
        defer { state.remove() }
        let tmux = try start("pid:\(busy.pid)", state: state, extra: ["CHILD_DURATION": "0"])
        defer { tmux.close() }
        try tmux.waitUntil("samples", timeout: 20) { self.samples(in: $0) >= 20 }
        kill(try tmux.commandPID(), SIGTERM)
        #expect(try tmux.waitForExit() == 128 + SIGTERM)
        let files = autosaved(in: state)
        #expect(files.count == 1)
        let saved = try String(contentsOfFile: try #require(files.first), encoding: .utf8)
        #expect(!saved.isEmpty)
        #expect(try tmux.capture().contains("flametop: profile autosaved to"))
        let settings = try tmux.terminalSettingsAfterExit()
        #expect(settings.contains(" icanon") && settings.contains(" echo "), "\(settings)")
    }

    /// Ctrl-S used to stop the tty's output (IXON), block the loop in its next write and
    /// leave SIGTERM unanswered (issue 14): now it is a key like any other.
    @Test(.needsRoot) func ctrlSThenSigtermStillAutosavesAndRestoresTheTerminal() throws {
        let busy = try RunningProcess(["sh", "-c", "while :; do :; done"])
        defer { busy.terminate() }
        let state = try TemporaryDirectory()
        defer { state.remove() }
        let tmux = try start("pid:\(busy.pid)", state: state, extra: ["CHILD_DURATION": "0"])
        defer { tmux.close() }
        try tmux.waitUntil("samples", timeout: 20) { self.samples(in: $0) >= 20 }
        try tmux.sendHexKeys(0x13)
        // The screen still updates after Ctrl-S: the sample count goes on growing.
        let before = samples(in: try tmux.capture())
        try tmux.waitUntil("the screen updating after Ctrl-S", timeout: 10) { self.samples(in: $0) > before }
        kill(try tmux.commandPID(), SIGTERM)
        #expect(try tmux.waitForExit(timeout: 5) == 128 + SIGTERM)
        let files = autosaved(in: state)
        #expect(files.count == 1)
        #expect(!(try String(contentsOfFile: try #require(files.first), encoding: .utf8)).isEmpty)
        let settings = try tmux.terminalSettingsAfterExit()
        #expect(settings.contains(" icanon") && settings.contains(" echo "), "\(settings)")
        // The shell's own flow control is given back.
        #expect(settings.contains(" ixon"), "\(settings)")
    }

    @Test(.needsRoot) func aTargetThatExitsFreezesTheProfile() throws {
        let busy = try RunningProcess(["sh", "-c", "while :; do :; done"])
        defer { busy.terminate() }
        let state = try TemporaryDirectory()
        defer { state.remove() }
        let tmux = try start("pid:\(busy.pid)", state: state, extra: ["CHILD_DURATION": "0"])
        defer { tmux.close() }
        try tmux.waitUntil("samples", timeout: 20) { self.samples(in: $0) >= 20 }
        busy.terminate()
        let frozen = try tmux.waitFor("process exited: profile frozen", timeout: 10)
        #expect(samples(in: frozen) >= 20)
        // Leaving asks first: the profile was never exported.
        try tmux.sendKeys("Escape")
        try tmux.waitFor("Leave it?")
        try tmux.sendKeys("y")
        try tmux.waitFor("PID USER")
        try tmux.sendKeys("q")
        #expect(try tmux.waitForExit() == 0)
    }

    @Test func viewShowsASavedProfileWithoutRoot() throws {
        let state = try TemporaryDirectory()
        defer { state.remove() }
        let file = try state.write("saved.folded", """
            main;serve;parse_request 700
            main;serve;render_page 250
            main;idle 50
            """)
        let tmux = try start("view:\(file)", state: state, extra: ["CHILD_ASCII": "1"])
        defer { tmux.close() }
        try tmux.waitFor("saved.folded  1,000 samples  3 stacks")
        // The tree is built on a worker and appears on a later frame.
        let screen = try tmux.waitFor("parse_request")
        #expect(screen.contains("v   100% ########## all"))
        #expect(screen.contains("  v  95.0% ##########"))
        #expect(screen.contains("parse_request"))
        try tmux.sendKeys("/")
        try tmux.type("render")
        try tmux.sendKeys("Enter")
        try tmux.waitFor("\"render\" 25.0% of samples")
        try tmux.sendKeys("q")
        #expect(try tmux.waitForExit() == 0)
        #expect(autosaved(in: state).isEmpty)
    }
}
