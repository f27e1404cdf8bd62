import Foundation
import Testing
import TestSupport
@testable import TerminalUI

/// The real terminal edge, driven through tmux.
@Suite(.serialized) struct TerminalEdgeSystemTests {
    private func start(_ scenario: String, width: Int = 80, height: Int = 24,
                       extra: [String: String] = [:]) throws -> TmuxSession {
        var environment = [TerminalChild.variable: scenario, "LANG": "C.UTF-8", "SWIFT_BACKTRACE": "enable=no"]
        environment.merge(extra) { $1 }
        return try TmuxSession(TerminalChild.command(), width: width, height: height, environment: environment)
    }

    /// tmux parses the program's last output asynchronously: the exit can be seen
    /// before the final escape sequences are, so poll for the restored state.
    private func expectRestored(_ tmux: TmuxSession, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let restored = Wait.until(timeout: 5) {
            (try? !tmux.isAlternateScreen() && tmux.isCursorVisible()) ?? false
        }
        let state = "alternate screen \(try tmux.isAlternateScreen()), cursor visible \(try tmux.isCursorVisible())"
        #expect(restored, "terminal not restored: \(state)", sourceLocation: sourceLocation)
    }

    @Test func drawsReadsKeysResizesAndRestoresOnQuit() throws {
        let tmux = try start("echo")
        defer { tmux.close() }
        let screen = try tmux.waitFor("ready 80x24")
        #expect(screen.contains("█████░░░░░"))
        #expect(screen.contains("日本 wide"))
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count >= 24 && lines[23].hasSuffix("bottom-right"), "\(screen)")
        #expect(try tmux.isAlternateScreen())
        #expect(try !tmux.isCursorVisible())

        for (key, shown) in [("Down", "down"), ("PageDown", "pageDown"), ("Home", "home"), ("End", "end"),
                             ("Tab", "tab"), ("Enter", "enter"), ("Escape", "escape"), ("BSpace", "backspace"),
                             ("x", "character(\"x\")"), ("/", "character(\"/\")")] {
            try tmux.sendKeys(key)
            try tmux.waitFor("last: \(shown)")
        }

        try tmux.resize(width: 120, height: 40)
        try tmux.waitFor("ready 120x40")
        try tmux.resize(width: 80, height: 24)
        try tmux.waitFor("ready 80x24")

        try tmux.sendKeys("q")
        #expect(try tmux.waitForExit() == 0)
        let after = try tmux.capture()
        #expect(after.contains("child quit"))
        try expectRestored(tmux)
    }

    @Test func asciiModeAndNoColor() throws {
        let tmux = try start("echo", extra: ["CHILD_ASCII": "1", "NO_COLOR": "1"])
        defer { tmux.close() }
        let screen = try tmux.waitFor("ready 80x24 color=false")
        #expect(screen.contains("#####....."))
        #expect(screen.contains("?? wide"))
        try tmux.sendKeys("q")
        #expect(try tmux.waitForExit() == 0)
    }

    @Test func aNonUTF8LocaleGetsASCII() throws {
        let tmux = try start("echo", extra: ["LANG": "C", "LC_ALL": "C"])
        defer { tmux.close() }
        let screen = try tmux.waitFor("ready 80x24")
        #expect(screen.contains("#####....."))
        #expect(screen.contains("?? wide"))
        try tmux.sendKeys("q")
        #expect(try tmux.waitForExit() == 0)
    }

    @Test(arguments: [("SIGTERM", SIGTERM), ("SIGHUP", SIGHUP), ("SIGINT", SIGINT)])
    func signalsArriveAsEventsAndTheLoopRestores(name: String, signal: Int32) throws {
        let tmux = try start("echo")
        defer { tmux.close() }
        try tmux.waitFor("ready 80x24")
        if signal == SIGINT {
            try tmux.sendKeys("C-c")
        } else {
            kill(try tmux.commandPID(), signal)
        }
        #expect(try tmux.waitForExit() == 0)
        #expect(try tmux.capture().contains("child handled signal \(signal)"), "\(name)")
        try expectRestored(tmux)
    }

    @Test(arguments: [("c", SIGILL), ("s", SIGSEGV)])
    func aCrashLeavesACookedTerminal(key: String, signal: Int32) throws {
        let tmux = try start("crash")
        defer { tmux.close() }
        try tmux.waitFor("ready 80x24")
        try tmux.sendKeys(key)
        // The shell reports 128 + the signal: SIGILL for a Swift trap, or SIGSEGV.
        #expect(try tmux.waitForExit() == 128 + signal)
        let settings = try tmux.terminalSettingsAfterExit()
        #expect(settings.contains(" icanon") && settings.contains(" echo "), "tty left in raw mode:\n\(settings)")
        try expectRestored(tmux)
    }

    @Test func quitLeavesACookedTerminal() throws {
        let tmux = try start("echo")
        defer { tmux.close() }
        try tmux.waitFor("ready 80x24")
        try tmux.sendKeys("q")
        #expect(try tmux.waitForExit() == 0)
        let settings = try tmux.terminalSettingsAfterExit()
        #expect(settings.contains(" icanon") && settings.contains(" echo "), "tty left in raw mode:\n\(settings)")
    }
}
