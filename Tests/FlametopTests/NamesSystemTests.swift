import Foundation
import Profile
import TestSupport
import Testing

/// Names as an engineer reads them in real recordings: C++ scopes and clones in the folded
/// file, one row per function of Debian's stripped liblzma, and the TUI's short names,
/// search and `f` toggle in tmux.
@Suite(.serialized)
struct NamesSystemTests {
    static func buildScopes(in directory: TemporaryDirectory) throws -> String {
        let binary = directory.file("scopes")
        try Command.check(["g++", "-O2", "-g", "-fno-omit-frame-pointer", "-o", binary, DebugFixtures.source("cxx_scopes.cpp")])
        return binary
    }

    static let sortAll = "void app::sort_all<main::{lambda(int, int)#1}>(std::vector<int, std::allocator<int> >&, main::{lambda(int, int)#1})"

    @Test(.needsRoot) func cxxScopesInTheFoldedFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workload = try Workloads.start(try Self.buildScopes(in: directory))
        defer { workload.terminate() }
        let recording = try Recording.run(["--pid", "\(workload.pid)", "--duration", "1", "--frequency", "499"], in: directory)
        let names = Set(recording.counts.counts.keys.flatMap { $0.frames.map(\.function) })
        #expect(recording.samples(containing: Self.sortAll) > 0, "\(names)")
        #expect(names.contains { $0.hasPrefix("std::sort<") || $0.hasPrefix("void std::__introsort_loop<") }, "\(names)")
        // User frames only: kernel symbols keep GCC's clone suffixes (`….constprop.0`), as perf shows them.
        let userNames = Set(recording.counts.counts.keys.flatMap { $0.frames.filter { $0.kind == .user }.map(\.function) })
        #expect(!userNames.contains { $0.contains("[clone") || $0.contains(".constprop") || $0.contains("@@") }, "\(userNames)")
        #expect(!names.contains { $0.hasPrefix("sort<") || $0.hasPrefix("__introsort_loop<") }, "scope lost: \(names)")
    }

    /// Debian's xz links the stripped liblzma: every liblzma frame names an FDE's start
    /// (`readelf --debug-dump=frames`), so the table holds one row per function. With
    /// `--lines` each frame keeps its offset inside that function (`(+0x9)`), and the
    /// summary's top functions show the hottest one.
    @Test(.needsRoot) func strippedLiblzmaIsOneRowPerFunction() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let library = try #require(["/lib/x86_64-linux-gnu/liblzma.so.5", "/usr/lib/x86_64-linux-gnu/liblzma.so.5"]
            .first { FileManager.default.fileExists(atPath: $0) })
        let fdeStarts = try Self.fdeStarts(of: library)
        let input = directory.file("input")
        // Random bytes: the match finder searches hard and finds little, for seconds.
        try Command.check(["sh", "-c", "head -c 48000000 /dev/urandom > \(input)"])
        let xz = try RunningProcess(["sh", "-c", "exec xz -9 -T1 -c < \(input) > /dev/null"])
        defer { xz.terminate() }
        // Frame pointers: the leaf, which names the function sampled, is exact either way.
        let recording = try Recording.run(["--pid", "\(xz.pid)", "--duration", "2", "--frequency", "499", "--unwind", "fp",
                                           "--lines"], in: directory)
        var rows = Set<String>()
        var offsets = Set<UInt64>()
        var addresses = Set<UInt64>()
        for stack in recording.counts.counts.keys {
            // The folded file keeps no module: the name says it.
            for frame in stack.frames where frame.function.hasPrefix("liblzma") {
                rows.insert(frame.function)
                guard let plus = frame.function.range(of: "+0x"),
                      let start = UInt64(frame.function[plus.upperBound...], radix: 16) else { continue }
                offsets.insert(start)
                let inside = frame.offsetInFunction
                #expect(inside != nil, "\(frame.function) has no offset inside it")
                addresses.insert(start + (inside ?? 0))
            }
        }
        print("xz: \(rows.count) liblzma rows, \(offsets.count) distinct FDE functions hit "
              + "(\(offsets.filter(fdeStarts.contains).count) of them FDE starts), \(addresses.count) addresses")
        #expect(!offsets.isEmpty, "\(recording.result.stderr)")
        #expect(offsets.allSatisfy(fdeStarts.contains), "\(offsets.subtracting(fdeStarts).sorted())")
        #expect(rows.count == offsets.count)
        #expect(addresses.count > offsets.count, "offsets inside the functions are kept")
        // The summary's top functions: one row per function, with its hottest offset.
        let summary = recording.result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        let topRows = summary.drop { !$0.hasPrefix("top ") }.dropFirst(2).prefix { !$0.isEmpty }
            .filter { $0.contains("[liblzma.so") }
        #expect(!topRows.isEmpty && topRows.allSatisfy { $0.contains("]  +0x") }, "\(recording.result.stderr)")
    }

    /// `pc=START..END` of every FDE, as binutils reads `.eh_frame`.
    static func fdeStarts(of file: String) throws -> Set<UInt64> {
        let text = try Command.check(["readelf", "--debug-dump=frames", file]).stdout
        var starts = Set<UInt64>()
        for line in text.split(separator: "\n") where line.contains(" FDE ") {
            guard let pc = line.range(of: "pc=") else { continue }
            let range = line[pc.upperBound...].split(separator: ".").first ?? ""
            if let start = UInt64(range, radix: 16) { starts.insert(start) }
        }
        return starts
    }

    /// `view` decides short names as the live screen does: the two instantiations keep their
    /// arguments, a template that meets no other folds. A stripped function is one row whose
    /// location column shows its hottest offset (a `--lines` file's `(+0x20)`).
    @Test func viewDecidesShortNamesLikeTheLiveScreen() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let serialize = "v8::internal::JsonStringifier::Result v8::internal::JsonStringifier::Serialize_<"
        let file = try directory.write("names.folded", """
            main;\(serialize)true>(bool) 30
            main;\(serialize)false>(bool) 20
            main;std::vector<int, std::allocator<int> >::size() const 10
            main;liblzma.so.5.4.1+0x15bc0 (+0x9) 3
            main;liblzma.so.5.4.1+0x15bc0 (+0x20) 5

            """)
        let tmux = try TmuxSession([try FlametopBinary.path, "view", file], width: 160, height: 30,
                                   environment: ["LANG": "C.UTF-8", "XDG_STATE_HOME": directory.path])
        defer { tmux.close() }
        try tmux.waitFor("names.folded", timeout: 30)
        try tmux.sendKeys("Tab")
        let table = try tmux.waitUntil("the top functions table", timeout: 10) { $0.contains("liblzma.so.5.4.1+0x15bc0") }
        #expect(table.contains("v8::internal::JsonStringifier::Serialize_<true>"), "\(table)")
        #expect(table.contains("v8::internal::JsonStringifier::Serialize_<false>"), "\(table)")
        #expect(!table.contains("Serialize_<…>"), "\(table)")
        #expect(table.contains("std::vector<…>::size"), "\(table)")
        let stripped = table.split(separator: "\n").drop { !$0.contains("Top functions") }
            .filter { $0.contains("liblzma.so.5.4.1+0x15bc0") }
        #expect(stripped.count == 1 && stripped[0].contains("+0x20"), "\(table)")
        try tmux.sendKeys("q")
        #expect(try tmux.waitForExit(timeout: 10) == 0)
    }

    @Test(.needsRoot) func tuiSearchFindsInlinedScopedNamesAndTogglesFullNames() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = try TemporaryDirectory()
        defer { state.remove() }
        let workload = try Workloads.start(try Self.buildScopes(in: directory))
        defer { workload.terminate() }
        let command = ["cd", directory.path, "&&", "exec", try FlametopBinary.path, "--pid", "\(workload.pid)", "-F", "499"]
            .joined(separator: " ")
        let tmux = try TmuxSession(["sh", "-c", command], width: 220, height: 50,
                                   environment: ["LANG": "C.UTF-8", "TERM": "xterm-256color",
                                                 "XDG_STATE_HOME": state.path, "SWIFT_BACKTRACE": "enable=no"])
        defer { tmux.close() }
        try tmux.waitUntil("short names of the sort path", timeout: 30) { $0.contains("app::sort_all<…>") }
        #expect(!(try tmux.capture()).contains("void app::sort_all"))
        // std::sort is only ever inlined: the search must find it by its namespace.
        try tmux.sendKeys("/")
        try tmux.type("std::sort")
        try tmux.sendKeys("Enter")
        let found = try tmux.waitUntil("the search finds std::sort's inlined frames", timeout: 10) {
            $0.contains("\"std::sort\"") && $0.contains("% of samples") && !$0.contains("\"std::sort\" 0.0%")
        }
        #expect(found.contains("std::sort<…>"), "\(found)")
        try tmux.sendKeys("Escape")
        try tmux.sendKeys("f")
        let full = try tmux.waitUntil("full names after f", timeout: 10) { $0.contains("void app::sort_all<main::{lambda") }
        #expect(full.contains("full names"))
        try tmux.sendKeys("f")
        try tmux.waitUntil("short names again", timeout: 10) { !$0.contains("void app::sort_all<main::{lambda") }
        try tmux.sendKeys("q")
    }
}
