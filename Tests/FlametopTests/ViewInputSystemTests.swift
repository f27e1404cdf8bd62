import Foundation
import TestSupport
import Testing

/// `flametop view` on what is not a folded file says what it is instead of hanging or
/// guessing "permissions?", and a stack 100 000 frames deep opens (issue 14).
@Suite(.serialized)
struct ViewInputSystemTests {
    func view(_ path: String) throws -> CommandResult {
        try Command.run([try FlametopBinary.path, "view", path], timeout: 20)
    }

    @Test func nonFilesAreNamedForWhatTheyAre() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fifo = directory.file("pipe")
        #expect(mkfifo(fifo, 0o600) == 0)
        let cases = [
            (directory.path, "is a directory"),
            (fifo, "is a FIFO (named pipe)"),
            ("/dev/zero", "is a character device"),
            (directory.file("missing.folded"), "does not exist"),
            ("", "the path is empty"),
        ]
        for (path, message) in cases {
            let result = try view(path)
            #expect(!result.timedOut, "\(path): answered at once")
            #expect(result.status == 1, "\(path): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(path): \(result.stderr)")
            #expect(!result.stderr.contains("permissions?"), "\(path): \(result.stderr)")
        }
    }

    @Test func aBadLineIsReportedWithItsNumber() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("bad.folded", "main;run 3\nmain;;leaf 2\n")
        let result = try view(file)
        #expect(result.status == 1)
        #expect(result.stderr.contains("line 2: frame 2 is empty"), "\(result.stderr)")
    }

    @Test func aHundredThousandFrameStackOpensAndQuits() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let line = (0..<100_000).map { "f\($0)" }.joined(separator: ";") + " 7\n"
        let file = try directory.write("deep.folded", line)
        let tmux = try TmuxSession([try FlametopBinary.path, "view", file], width: 100, height: 30,
                                   environment: ["LANG": "C.UTF-8", "XDG_STATE_HOME": directory.path])
        defer { tmux.close() }
        // The hot path opens down the chain: the first frames are rows.
        let screen = try tmux.waitUntil("the deep chain in the tree", timeout: 30) {
            $0.contains("deep.folded  7 samples  1 stacks") && $0.contains(" f3")
        }
        #expect(screen.contains("100%"), "\(screen)")
        try tmux.sendKeys("End")
        try tmux.waitFor("f99999", timeout: 10)
        try tmux.sendKeys("q")
        #expect(try tmux.waitForExit(timeout: 10) == 0)
    }
}
