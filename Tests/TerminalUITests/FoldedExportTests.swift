import Foundation
import Profile
@testable import TerminalUI
import Testing
import TestSupport

/// The UI's export writes frames the way `record` does with the same options.
struct FoldedExportTests {
    @Test func exportHonoursTheLinesOption() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var counts = StackCounts()
        counts.add(Stack([Frame(function: "main", module: "app"),
                          Frame(function: "hot", module: "app", sourceFile: "/src/hot.c", line: 42)]), count: 3)
        let plain = directory.file("plain.folded")
        let withLines = directory.file("lines.folded")
        #expect(FoldedExport.write(counts, to: plain) == nil)
        #expect(FoldedExport.write(counts, to: withLines, options: .init(includeLines: true)) == nil)
        #expect(try String(contentsOfFile: plain, encoding: .utf8) == "main;hot 3\n")
        #expect(try String(contentsOfFile: withLines, encoding: .utf8) == "main;hot (hot.c:42) 3\n")
    }
}
