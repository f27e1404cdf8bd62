import Foundation
import Profile
import TestSupport
import Testing

/// `flametop record` names frames from DWARF: inlined chains, source lines, separate debug
/// files, demangled C++ and Swift, binaries in another mount namespace or deleted.
@Suite(.serialized)
struct SymbolsSystemTests {
    /// main → run → hot_c → leaf_inlined (inlined into hot_c), each at its MARK line.
    static func expectedChain() throws -> [(String, Int)] {
        [("main", try DebugFixtures.line(of: "main_call")), ("run", try DebugFixtures.line(of: "run_call")),
         ("hot_c", try DebugFixtures.line(of: "hot_call")), ("leaf_inlined", try DebugFixtures.line(of: "leaf_loop"))]
    }

    /// Records the process `command` starts with `--lines` and checks that at least 90% of
    /// the samples end in the expected chain with its lines.
    @discardableResult
    static func recordInlineChain(_ command: [String], extra: [String] = [], in directory: TemporaryDirectory,
                                  sourceFile: String = "inline_chain.c") throws -> Recording {
        let workload = try Workloads.start(command[0], arguments: Array(command.dropFirst()))
        defer { workload.terminate() }
        // unshare and sh exec: the PID is the workload's.
        let pid = workload.pid
        let recording = try Recording.run(["--pid", "\(pid)", "--duration", "2", "--frequency", "499", "--lines"] + extra,
                                          in: directory)
        let chain = try expectedChain()
        let total = recording.counts.totalSamples
        var exact: UInt64 = 0
        for (stack, count) in recording.counts.counts {
            let user = stack.frames.filter { $0.kind == .user }
            let tail = user.suffix(chain.count)
            if tail.map(\.function) == chain.map(\.0), tail.map(\.line) == chain.map({ Optional($0.1) }),
               tail.allSatisfy({ $0.sourceFile == sourceFile }) {
                exact += count
            }
        }
        // ~1000 on an idle core; the share below is what matters, so a busy machine only needs some.
        #expect(total > 150, "2 s at 499 Hz of a busy loop: \(total) samples")
        #expect(Double(exact) >= 0.9 * Double(total),
                "\(exact) of \(total) samples end in main;run;hot_c;leaf_inlined with lines:\n\(recording.text.prefix(3000))")
        return recording
    }

    @Test(.needsRoot, arguments: ["gcc", DebugFixtures.clang])
    func inlinedChainWithLines(compiler: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let binary = try DebugFixtures.buildInlineChain(compiler: compiler, in: directory, output: "ic")
        let recording = try Self.recordInlineChain([binary], in: directory)
        #expect(recording.samples(withLeaf: "leaf_inlined") > 0)
    }

    @Test(.needsRoot) func noInlineKeepsTheCaller() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let binary = try DebugFixtures.buildInlineChain(compiler: "gcc", in: directory, output: "ic")
        let workload = try Workloads.start(binary)
        defer { workload.terminate() }
        let recording = try Recording.run(["--pid", "\(workload.pid)", "--duration", "1", "--frequency", "499", "--no-inline"],
                                          in: directory)
        #expect(recording.samples(containing: "leaf_inlined") == 0)
        #expect(Double(recording.samples(withLeaf: "hot_c")) >= 0.9 * Double(recording.counts.totalSamples))
        let text = try String(contentsOfFile: recording.outputPath, encoding: .utf8)
        #expect(!text.contains("inline_chain.c:"), "no lines without --lines")
    }

    @Test(.needsRoot, arguments: ["gcc", DebugFixtures.clang])
    func strippedBinaryWithBuildIDDebugRoot(compiler: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let binary = try DebugFixtures.buildInlineChain(compiler: compiler, in: directory, output: "ic")
        let root = directory.file("debug-root")
        let stripped = try DebugFixtures.stripWithBuildIDDebugFile(binary, in: directory, strippedName: "ic-stripped",
                                                                   debugRoot: root)
        try Self.recordInlineChain([stripped], extra: ["--debug-dir", root], in: directory)
    }

    @Test(.needsRoot) func strippedBinaryWithDebugLink() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let binary = try DebugFixtures.buildInlineChain(compiler: "gcc", in: directory, output: "ic")
        let stripped = try DebugFixtures.stripWithDebugLink(binary, in: directory, strippedName: "ic-linked")
        try Self.recordInlineChain([stripped], in: directory)
    }

    /// Without its debug file a stripped binary's frames say so, and the summary hints at the fix.
    @Test(.needsRoot) func strippedBinaryWithoutDebugFileReportsWhy() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let binary = try DebugFixtures.buildInlineChain(compiler: "gcc", in: directory, output: "ic")
        let stripped = directory.file("ic-bare")
        try Command.check(["strip", "--strip-all", "-o", stripped, binary])
        let workload = try Workloads.start(stripped)
        defer { workload.terminate() }
        let recording = try Recording.run(["--pid", "\(workload.pid)", "--duration", "1", "--frequency", "499"],
                                          in: directory)
        let hot = try DebugFixtures.functionRange("hot_c", in: binary)
        let leaves = recording.counts.counts.compactMap { $0.key.frames.last { $0.kind == .user }?.function }
        let expectedPrefix = "ic-bare+0x"
        #expect(leaves.contains { name in
            name.hasPrefix(expectedPrefix) && UInt64(name.dropFirst(expectedPrefix.count), radix: 16).map(hot.contains) == true
        }, "leaf frames name the ELF address inside hot_c: \(leaves)")
        #expect(recording.result.stderr.contains("unresolved: ic-bare:"), "\(recording.result.stderr)")
        #expect(recording.result.stderr.contains("--debug-dir"))
    }

    @Test(.needsRoot) func cxxNamesDemangledAndRaw() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let binary = directory.file("shapes")
        try Command.check(["g++", "-O2", "-g", "-fno-omit-frame-pointer", "-o", binary, DebugFixtures.source("cxx_shapes.cpp")])
        let workload = try Workloads.start(binary)
        defer { workload.terminate() }
        let recording = try Recording.run(["--pid", "\(workload.pid)", "--duration", "1", "--frequency", "499"], in: directory)
        // The loop's own instructions are area's; the addition inlined into it is add's.
        let area = ["main", "shapes::Circle::area(unsigned long) const"]
        let add = area + ["shapes::Accumulator<int>::add(int)"]
        var inArea: UInt64 = 0
        var inAdd: UInt64 = 0
        for (stack, count) in recording.counts.counts {
            let user = stack.frames.filter { $0.kind == .user }.map(\.function)
            if Array(user.suffix(3)) == add { inAdd += count } else if Array(user.suffix(2)) == area { inArea += count }
        }
        #expect(Double(inArea + inAdd) >= 0.9 * Double(recording.counts.totalSamples), "\(recording.text.prefix(2000))")
        #expect(inAdd > 0, "no sample in the inlined add: \(recording.text.prefix(2000))")

        let raw = try Recording.run(["--pid", "\(workload.pid)", "--duration", "1", "--frequency", "199", "--raw-names"],
                                    in: directory)
        #expect(raw.samples(containing: "_ZNK6shapes6Circle4areaEm") > 0)
        #expect(raw.samples(containing: "_ZN6shapes11AccumulatorIiE3addEi") > 0)
    }

    @Test(.needsRoot) func swiftNamesDemangled() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let binary = directory.file("swiftdemo")
        try Command.check(["swiftc", "-g", "-O", "-module-name", "demo", "-o", binary, DebugFixtures.source("swift_demo.swift")])
        let workload = try Workloads.start(binary, arguments: ["spin"])
        defer { workload.terminate() }
        let recording = try Recording.run(["--pid", "\(workload.pid)", "--duration", "1", "--frequency", "499", "--lines"],
                                          in: directory)
        let name = "demo.swiftSpin(Swift.Int) -> Swift.Int"
        // The rest is main's own loop; the stdlib's range iteration shows inlined into swiftSpin.
        #expect(Double(recording.samples(containing: name)) >= 0.5 * Double(recording.counts.totalSamples),
                "\(recording.text.prefix(2000))")
        #expect(recording.counts.counts.keys.contains { $0.frames.contains { $0.function == name && $0.sourceFile == "swift_demo.swift" } })
        #expect(recording.samples(containing: "generic specialization <Swift.Range<Swift.Int>> of Swift.IndexingIterator.next() -> Swift.Optional<A.Element>") > 0,
                "Swift's inlined stdlib frames are demangled too: \(recording.text.prefix(2000))")
    }

    /// A process in its own mount namespace runs a binary from a path the host does not
    /// have (a tmpfs mounted over /mnt there, the binary bind-mounted into it).
    @Test(.needsRoot) func binaryInAnotherMountNamespace() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try DebugFixtures.buildInlineChain(compiler: "gcc", in: directory, output: "ic")
        let inside = "/mnt/flametop-\(getpid())"
        #expect(!FileManager.default.fileExists(atPath: inside))
        let script = "mount -t tmpfs none /mnt && mkdir \(inside) && mount --bind \(directory.path) \(inside) && exec \(inside)/ic"
        try Self.recordInlineChain(["/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", script],
                                   in: directory)
    }

    @Test(.needsRoot) func deletedBinary() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let binary = try DebugFixtures.buildInlineChain(compiler: "gcc", in: directory, output: "ic")
        let workload = try Workloads.start(binary)
        defer { workload.terminate() }
        try FileManager.default.removeItem(atPath: binary)
        let recording = try Recording.run(["--pid", "\(workload.pid)", "--duration", "1", "--frequency", "499", "--lines"],
                                          in: directory)
        let chain = try Self.expectedChain()
        let exact = recording.counts.counts.filter { stack, _ in
            let tail = stack.frames.filter { $0.kind == .user }.suffix(chain.count)
            return tail.map(\.function) == chain.map(\.0) && tail.map(\.line) == chain.map({ Optional($0.1) })
        }
        #expect(Double(exact.values.reduce(0, +)) >= 0.9 * Double(recording.counts.totalSamples),
                "\(recording.text.prefix(2000))")
    }
}

extension Recording {
    var text: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }
}
