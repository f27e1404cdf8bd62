import Testing
@testable import TerminalUI

/// Errors on screen are whole: wrapped, never cut from the left, no control characters.
@Suite struct MessageLinesTests {
    @Test func shortErrorIsOneLine() {
        #expect(MessageLines.wrap("export failed: disk full", width: 80) == ["export failed: disk full"])
    }

    @Test func newlinesBreakLinesAndControlsVanish() {
        let lines = MessageLines.wrap("cannot open x: Permission denied\nhint: run as root\u{7}\u{1b}", width: 80)
        #expect(lines == ["cannot open x: Permission denied", "hint: run as root"])
        #expect(!lines.joined().unicodeScalars.contains { $0.properties.generalCategory == .control })
    }

    @Test func longErrorWrapsKeepingItsStartAndCutsOnlyTheEnd() {
        let text = "export failed: cannot create /very/long/path/that/goes/on/and/on/profile.folded: "
            + String(repeating: "No such file or directory ", count: 10)
        let lines = MessageLines.wrap(text, width: 40)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("export failed:"))
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 40 })
        #expect(lines[2].hasSuffix("…"))
        // A word wider than the screen is broken, not lost.
        #expect(MessageLines.wrap(String(repeating: "x", count: 25), width: 10) == ["xxxxxxxxxx", "xxxxxxxxxx", "xxxxx"])
    }
}
