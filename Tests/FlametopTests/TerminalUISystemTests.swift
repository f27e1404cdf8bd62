import Foundation
import Profile
import TestSupport
import Testing

/// The real `flametop` binary in a real terminal (tmux): an on-call engineer's path
/// from the process list to a live flame tree, an export, and back to the shell.
@Suite(.serialized)
struct TerminalUISystemTests {
    /// Runs flametop in `directory` (exports land there) with autosaves under `state`.
    func flametop(_ arguments: [String], in directory: TemporaryDirectory, state: TemporaryDirectory,
                  width: Int, height: Int) throws -> TmuxSession {
        let command = (["cd", directory.path, "&&", "exec", try FlametopBinary.path] + arguments)
            .joined(separator: " ")
        return try TmuxSession(["sh", "-c", command], width: width, height: height,
                               environment: ["LANG": "C.UTF-8", "TERM": "xterm-256color",
                                             "XDG_STATE_HOME": state.path, "SWIFT_BACKTRACE": "enable=no"])
    }

    /// Samples in the status line ("1,234 samples").
    static func samples(in screen: String) -> Int {
        guard let line = screen.split(separator: "\n").first,
              let range = line.range(of: #"[0-9,]+ samples"#, options: .regularExpression) else { return 0 }
        return Int(line[range].split(separator: " ")[0].replacingOccurrences(of: ",", with: "")) ?? 0
    }

    /// The self% the top-functions table shows for `function`.
    static func selfPercent(of function: String, in screen: String) -> Double? {
        for line in screen.split(separator: "\n") {
            var fields = line.split(separator: " ")
            // A time column carries its unit ("29.43 s"): a profile seeded with the rewind
            // history shows time for windows over both rates.
            if fields.count >= 5, ["s", "ms", "µs"].contains(fields[3]) { fields.remove(at: 3) }
            guard fields.count >= 4, fields[3] == function, fields[0].hasSuffix("%") else { continue }
            return Double(fields[0].dropFirst(fields[0].first == "▼" || fields[0].first == "▲" ? 1 : 0).dropLast())
        }
        return nil
    }

    @Test(.needsRoot, arguments: [(120, 40), (80, 24)])
    func findProfileExportAndQuit(width: Int, height: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = try TemporaryDirectory()
        defer { state.remove() }
        let workload = try Workloads.start(try GroundTruthWorkload.build(in: directory, pie: false))
        defer { workload.terminate() }
        // No rewind history: its 19 Hz seconds before Enter weigh 1/19 s each in the table,
        // and a few dozen of them would carry half the shares (the rewind has its own tests).
        let tmux = try flametop(["-F", "999", "--history-rate", "0"], in: directory, state: state, width: width, height: height)
        defer { tmux.close() }

        // Find the workload with / and profile it with Enter.
        try tmux.waitFor("PID USER", timeout: 20)
        try tmux.sendKeys("/")
        try tmux.type("gt-nopie")
        try tmux.sendKeys("Enter")
        try tmux.waitUntil("the workload alone in the list") { $0.contains(": 1 of") && $0.contains("gt-nopie") }
        try tmux.sendKeys("Enter")

        // 1600 samples keep ±5 pp at 4σ for a 50% share.
        let screen = try tmux.waitUntil("1600 samples of gt-nopie with its leaves in the table", timeout: 60) {
            $0.contains("gt-nopie [\(workload.pid)]") && Self.samples(in: $0) >= 1600
                && Self.selfPercent(of: "omega", in: $0) != nil
        }
        // The hot path is expanded: main → run → alpha.
        for function in ["main", "run", "alpha"] {
            #expect(screen.contains("▾") && screen.contains(" \(function) "), "\(function) on the hot path:\n\(screen)")
        }
        for (leaf, truth) in GroundTruthWorkload.expectedShares {
            let shown = try #require(Self.selfPercent(of: leaf, in: screen), "\(leaf) in the table:\n\(screen)")
            #expect(abs(shown - truth * 100) <= 5, "\(leaf): \(shown)% shown, truth \(truth * 100)%")
        }

        // Export with the default name.
        try tmux.sendKeys("e")
        try tmux.waitFor("Export as: f folded stacks", timeout: 10)
        try tmux.sendKeys("f")
        try tmux.waitFor("flametop-gt-nopie-\(workload.pid)-", timeout: 10)
        try tmux.sendKeys("Enter")
        try tmux.waitFor("exported to", timeout: 10)
        let exported = try #require(try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .first { $0.hasPrefix("flametop-gt-nopie-\(workload.pid)-") && $0.hasSuffix(".folded") })
        let counts = try FoldedReader().read(try String(contentsOfFile: directory.file(exported), encoding: .utf8))
        #expect(counts.totalSamples >= 1600)
        #expect(counts.counts.keys.contains { Recording.framesFromMain($0) == ["main", "run", "alpha"] })

        // q back to the list (exported: no question), q to the shell, terminal sane.
        try tmux.sendKeys("q")
        try tmux.waitFor("PID USER")
        try tmux.sendKeys("q")
        #expect(try tmux.waitForExit() == 0)
        #expect(try !tmux.isAlternateScreen())
        let settings = try tmux.terminalSettingsAfterExit()
        #expect(settings.contains(" icanon") && settings.contains(" echo "), "\(settings)")
    }

    /// `w` switches the target to the other unwind mode in place, shown in the
    /// status line: on code without frame pointers only DWARF mode finds main; the
    /// profile so far is kept (the sample count never falls back).
    @Test(.needsRoot) func wSwitchesTheUnwindModeMidSession() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = try TemporaryDirectory()
        defer { state.remove() }
        let workload = try Workloads.start(try UnwindSystemTests.buildGroundTruth(in: directory))
        defer { workload.terminate() }
        let tmux = try flametop(["--pid", "\(workload.pid)", "-F", "499", "--unwind", "fp"], in: directory, state: state,
                                width: 120, height: 40)
        defer { tmux.close() }

        let framePointers = try tmux.waitUntil("frame-pointer samples and the hint to switch", timeout: 30) {
            $0.contains("unwind fp") && Self.samples(in: $0) >= 200 && $0.contains("w for DWARF")
        }
        #expect(!framePointers.contains(" main "), "a frame-pointer walk cannot find main here:\n\(framePointers)")
        let before = Self.samples(in: framePointers)

        try tmux.sendKeys("w")
        let switched = try tmux.waitUntil("DWARF samples", timeout: 30) {
            $0.contains("unwind dwarf") && Self.samples(in: $0) >= before + 200
        }
        #expect(!switched.contains("w for DWARF"), "\(switched)")
        #expect(switched.contains("profile so far is kept"), "\(switched)")
        // The tree opened its hot path once, on the first frame-pointer samples, and the table
        // lists main only if a sample lands in it: `+` opens what DWARF found.
        try tmux.sendKeys("+")
        let dwarf = try tmux.waitUntil("DWARF samples with main on the hot path", timeout: 30) {
            $0.contains("unwind dwarf") && $0.contains(" main ") && $0.contains(" run ")
        }

        try tmux.sendKeys("w")
        try tmux.waitUntil("back to frame pointers, the profile still growing", timeout: 30) {
            $0.contains("unwind fp") && $0.contains("frame pointers from now on") && Self.samples(in: $0) > Self.samples(in: dwarf)
        }
    }

    /// A dropped SSH connection (SIGHUP) still leaves the live profile on disk.
    @Test(.needsRoot) func hangupAutosavesTheProfile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = try TemporaryDirectory()
        defer { state.remove() }
        let workload = try Workloads.start(try GroundTruthWorkload.build(in: directory, pie: false))
        defer { workload.terminate() }
        let tmux = try flametop(["--pid", "\(workload.pid)", "-F", "499"], in: directory, state: state,
                                width: 100, height: 30)
        defer { tmux.close() }
        try tmux.waitUntil("samples", timeout: 30) { Self.samples(in: $0) >= 100 }
        kill(try tmux.commandPID(), SIGHUP)
        #expect(try tmux.waitForExit() == 128 + SIGHUP)
        let saved = try FileManager.default.contentsOfDirectory(atPath: state.file("flametop"))
        #expect(saved.count == 1, "\(saved)")
        let counts = try FoldedReader().read(try String(contentsOfFile: state.file("flametop/\(saved[0])"), encoding: .utf8))
        #expect(counts.totalSamples >= 100)
        #expect(counts.counts.keys.contains { $0.leaf?.function == "alpha" })
    }

    /// `flametop view` browses a saved file as an ordinary user.
    @Test func viewAsAnUnprivilegedUser() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = try TemporaryDirectory()
        defer { state.remove() }
        let file = try directory.write("saved.folded", """
            main;serve;parse_request 700
            main;serve;render_page 250
            main;idle 50
            """)
        chmod(directory.path, 0o755)
        chmod(file, 0o644)
        var arguments = ["view", file]
        if Privileges.isRoot {
            // Drop to nobody: view needs no privileges at all.
            arguments = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                         try FlametopBinary.path] + arguments
        } else {
            arguments = [try FlametopBinary.path] + arguments
        }
        let tmux = try TmuxSession(arguments, width: 100, height: 30,
                                   environment: ["LANG": "C.UTF-8", "XDG_STATE_HOME": state.path])
        defer { tmux.close() }
        try tmux.waitFor("saved.folded", timeout: 20)
        let screen = try tmux.waitFor("parse_request")
        #expect(screen.contains("70.0%"), "parse_request holds 70% of samples:\n\(screen)")
        try tmux.sendKeys("q")
        #expect(try tmux.waitForExit() == 0)
    }
}
