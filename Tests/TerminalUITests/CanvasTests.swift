import Testing
@testable import TerminalUI

@Suite struct CanvasTests {
    @Test func writesTextAndReadsRowsBack() {
        var canvas = Canvas(width: 10, height: 2)
        let used = canvas.write("hello", row: 0, column: 2)
        #expect(used == 5)
        #expect(canvas.lines == ["  hello", ""])
    }

    @Test func truncatesWithEllipsisAtRequestedWidth() {
        var canvas = Canvas(width: 20, height: 1)
        canvas.write("abcdefghij", row: 0, column: 0, maxWidth: 6)
        #expect(canvas.line(0) == "abcde…")
    }

    @Test func neverWritesPastTheRightEdge() {
        var canvas = Canvas(width: 8, height: 1)
        canvas.write("0123456789", row: 0, column: 3)
        #expect(canvas.line(0) == "   0123…")
        canvas.write("xyz", row: 0, column: 8)
        canvas.write("xyz", row: 5, column: 0)
        #expect(canvas.line(0) == "   0123…")
    }

    @Test func clipAndHeadTruncation() {
        var canvas = Canvas(width: 6, height: 2)
        canvas.write("abcdefgh", row: 0, column: 0, truncation: .clip)
        canvas.write("/a/long/path", row: 1, column: 0, truncation: .head)
        #expect(canvas.lines == ["abcdef", "…/path"])
    }

    @Test func wideCharactersTakeTwoColumnsAndNeverOverflow() {
        var canvas = Canvas(width: 7, height: 1)
        let used = canvas.write("日本語テキスト", row: 0, column: 0)
        // Three wide characters fit in six columns plus the ellipsis: 3×2 = 6, then "…".
        #expect(used == 7)
        #expect(canvas.line(0) == "日本語…")
        #expect(canvas[0, 1].isContinuation)

        var narrow = Canvas(width: 5, height: 1)
        narrow.write("日本語", row: 0, column: 0, truncation: .clip)
        #expect(narrow.line(0) == "日本")
        #expect(!narrow[0, 4].isContinuation)
    }

    @Test func overwritingHalfOfAWideCharacterBlanksTheOtherHalf() {
        var canvas = Canvas(width: 6, height: 1)
        canvas.write("日本語", row: 0, column: 0)
        canvas.write("x", row: 0, column: 1)
        #expect(canvas.line(0) == " x本語")
        #expect(canvas.cells.filter(\.isContinuation).count == 2)
    }

    @Test func controlCharactersAreNeverDrawn() {
        var canvas = Canvas(width: 20, height: 1)
        canvas.write("a\u{1B}[2Jb\tc\u{9B}", row: 0, column: 0)
        #expect(canvas.line(0) == "a?[2Jb c?")
    }

    @Test func asciiModeReplacesNonASCIIText() {
        var canvas = Canvas(width: 20, height: 1, glyphs: .ascii)
        canvas.write("café 日本 → ok", row: 0, column: 0)
        #expect(canvas.line(0) == "caf? ?? ? ok")
    }

    @Test func barsAreProportional() {
        var canvas = Canvas(width: 10, height: 3)
        canvas.bar(fraction: 0.623, row: 0, column: 0, width: 10)
        canvas.bar(fraction: 1.5, row: 1, column: 0, width: 4)
        canvas.bar(fraction: .nan, row: 2, column: 0, width: 4)
        #expect(canvas.lines == ["██████░░░░", "████", "░░░░"])

        var ascii = Canvas(width: 10, height: 1, glyphs: .ascii)
        ascii.bar(fraction: 0.5, row: 0, column: 0, width: 8)
        #expect(ascii.line(0) == "####....")
    }

    @Test func boxesFrameTheirTitle() {
        var canvas = Canvas(width: 12, height: 4, glyphs: .ascii)
        canvas.box(top: 0, left: 0, height: 4, width: 12, title: "Help")
        #expect(canvas.lines == ["+- Help ---+", "|          |", "|          |", "+----------+"])
    }

    @Test func stylesStayWithTheirCells() {
        var canvas = Canvas(width: 10, height: 1)
        canvas.fill(row: 0, style: .header)
        canvas.write("hot", row: 0, column: 1, style: .hot)
        #expect(canvas[0, 0].style == .header)
        #expect(canvas[0, 1].style == .hot)
        canvas.restyle(row: 0, column: 1, width: 2) { $0.with(reverse: true) }
        #expect(canvas[0, 2].style.reverse)
        #expect(!canvas[0, 3].style.reverse)
    }

    @Test func displayWidths() {
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("日本") == 4)
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("🔥") == 2)
        #expect(DisplayWidth.of("█░▾▸") == 4)
    }
}
