import Foundation
import Gzip
import Profile
import TestSupport
import Testing

/// `record` in pprof, read by the reference consumer (`go tool pprof` from Debian's
/// golang-go), and `view` of a pprof file Go's own runtime wrote.
@Suite(.serialized)
struct PprofSystemTests {
    /// One session written as folded and as pprof (`-o x.folded -o x.pb.gz`): each
    /// function's flat share in `go tool pprof -top` is its share as a leaf in the folded
    /// file. Both come from the same counts, so the only difference allowed is -top's
    /// rounding to 0.01%: the ±0.1 pp tolerance is no statistical one.
    @Test(.needsRoot) func goToolPprofTopSharesAreTheFoldedFilesShares() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workload = try Workloads.start(try GroundTruthWorkload.build(in: directory, pie: false))
        defer { workload.terminate() }
        let folded = directory.file("gt.folded"), pprof = directory.file("gt.pb.gz")
        try Command.check([try FlametopBinary.path, "record", "--pid", "\(workload.pid)", "--duration", "4",
                           "--frequency", "999", "-o", folded, "-o", pprof], timeout: 60)

        let counts = try FoldedReader().read(try String(contentsOfFile: folded, encoding: .utf8))
        var leafShares: [String: Double] = [:]
        for (stack, count) in counts.counts {
            leafShares[stack.leaf?.function ?? "", default: 0] += 100 * Double(count) / Double(counts.totalSamples)
        }
        let top = try GoPprof.pprof(["-top", "-nodecount=1000", "-nodefraction=0", "-sample_index=samples", pprof],
                                    in: directory)
        let rows = GoPprof.topRows(top)
        let flat = Dictionary(rows.map { ($0.name, $0.flatPercent) }, uniquingKeysWith: +)
        #expect(counts.totalSamples > 1600, "expected ~4000 samples on an idle core, got \(counts.totalSamples)")
        #expect(rows.prefix(3).map(\.name) == ["alpha", "beta", "omega"], "\(top)")
        for (function, share) in leafShares where share >= 0.05 {
            let reported = flat[function] ?? 0
            #expect(abs(reported - share) <= 0.1, "\(function): pprof \(reported)% vs folded \(share)%\n\(top)")
        }
        for row in rows where row.flatPercent > 0 {
            #expect(leafShares[row.name] != nil, "\(row.name) is a leaf in pprof only\n\(top)")
        }
        Swift.print("pprof vs folded: \(rows.prefix(3).map { "\($0.name) \($0.flatPercent)% / \(String(format: "%.2f", leafShares[$0.name] ?? 0))%" })")
    }

    /// `-raw` shows what the file carries: functions with their source lines, the inlined
    /// call and the function it sits in as one location (the inlined line first), the
    /// binary's build-id on its mapping, the pid and comm labels.
    @Test(.needsRoot) func goToolPprofRawShowsLinesInlinedFramesAndBuildIDs() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let binary = try DebugFixtures.buildInlineChain(compiler: "gcc", in: directory, output: "ic")
        let workload = try Workloads.start(binary)
        defer { workload.terminate() }
        let pprof = directory.file("ic.pb.gz")
        try Command.check([try FlametopBinary.path, "record", "--pid", "\(workload.pid)", "--duration", "2",
                           "--frequency", "499", "-o", pprof], timeout: 60)
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: pprof)))
        #expect(Gzip.isCompressed(bytes), "a .pb.gz output is gzipped")

        let raw = try GoPprof.pprof(["-raw", pprof], in: directory)
        let source = DebugFixtures.source()
        let leaf = "leaf_inlined \(source):\(try DebugFixtures.line(of: "leaf_loop"))"
        let caller = "hot_c \(source):\(try DebugFixtures.line(of: "hot_call"))"
        let lines = raw.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let inlined = lines.indices.dropLast().contains { lines[$0].contains(leaf + " ") && lines[$0 + 1].hasPrefix(caller + " ") }
        #expect(inlined, "one location holds \(leaf) then \(caller):\n\(raw)")
        for function in ["run", "main"] {
            #expect(lines.contains { $0.contains(" \(function) \(source):") }, "\(function) with its file:\n\(raw)")
        }
        let buildID = try DebugFixtures.buildID(of: binary)
        let mapping = lines.first { $0.contains(" \(binary) ") }
        #expect(mapping?.contains(buildID) == true, "the binary's mapping carries build-id \(buildID):\n\(raw)")
        #expect(mapping?.contains("[FN][FL][LN][IN]") == true, "\(mapping ?? raw)")
        #expect(raw.contains("pid:[\(workload.pid)]") && raw.contains("comm:[ic]"), "\(raw)")
        // The workload is single-threaded: its one thread is the process.
        #expect(raw.contains("thread:[\(workload.pid)]"), "\(raw)")
        #expect(raw.contains("PeriodType: cpu nanoseconds") && raw.contains("Period: 2004008"), "\(raw)")
        #expect(raw.contains("samples/count cpu/nanoseconds"), "\(raw)")
    }

    /// Kernel frames sit in one `[kernel.kallsyms]` mapping with the kernel's build-id.
    @Test(.needsRoot) func kernelFramesAreInTheKallsymsMapping() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workload = try Workloads.start(try GroundTruthWorkload.buildSyscallWorkload(in: directory))
        defer { workload.terminate() }
        let pprof = directory.file("sys.pb.gz")
        try Command.check([try FlametopBinary.path, "record", "--pid", "\(workload.pid)", "--duration", "2",
                           "--frequency", "499", "--format", "pprof", "-o", pprof], timeout: 60)
        let raw = try GoPprof.pprof(["-raw", pprof], in: directory)
        let mappings = raw.components(separatedBy: "Mappings\n").last ?? ""
        let kernel = mappings.split(separator: "\n").filter { $0.contains("[kernel.kallsyms]") }
        #expect(kernel.count == 1, "\(mappings)")
        // /sys/kernel/notes is the raw note section: namesz 4, descsz, type 3 (NT_GNU_BUILD_ID), "GNU\0", id.
        let notes = try Array(Data(contentsOf: URL(fileURLWithPath: "/sys/kernel/notes")))
        let header: [UInt8] = [4, 0, 0, 0]
        if let start = (0..<max(0, notes.count - 16)).first(where: {
            Array(notes[$0..<$0 + 4]) == header && notes[$0 + 8] == 3 && Array(notes[$0 + 12..<$0 + 16]) == Array("GNU\0".utf8)
        }) {
            let size = Int(notes[start + 4])
            let id = notes[start + 16..<start + 16 + size].map { String(format: "%02x", $0) }.joined()
            #expect(kernel.first?.contains(id) == true, "kernel build-id \(id): \(kernel)")
        }
        let top = try GoPprof.pprof(["-top", "-nodecount=1000", pprof], in: directory)
        #expect(top.contains("vfs_read"), "\(top)")
    }

    /// `--format pprof` without `-o` names the file `.pb.gz`; `--format folded` writes text
    /// whatever the name.
    @Test(.needsRoot) func formatOptionDecidesOverTheName() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workload = try Workloads.start(try GroundTruthWorkload.build(in: directory, pie: false))
        defer { workload.terminate() }
        let named = directory.file("text.pb.gz")
        try Command.check([try FlametopBinary.path, "record", "--pid", "\(workload.pid)", "--duration", "1",
                           "--format", "folded", "-o", named], timeout: 60)
        let text = try String(contentsOfFile: named, encoding: .utf8)
        #expect(text.contains("main;run;"), "\(text.prefix(300))")

        let result = try Command.run([try FlametopBinary.path, "record", "--pid", "\(workload.pid)", "--duration", "1",
                                      "--format", "pprof", "-o", "a.folded", "-o", "b.pb.gz"], timeout: 30)
        #expect(result.status != 0 && result.stderr.contains("--format names one format"), "\(result.stderr)")
    }

    /// A CPU profile from Go's runtime/pprof (gzipped, Go's sample types samples/count and
    /// cpu/nanoseconds) opens in `view`, and so does the same profile uncompressed.
    @Test func viewOpensAProfileGosRuntimeWrote() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let program = try GoPprof.build(Self.goCPUProfileProgram, named: "burn", in: directory)
        let gzipped = directory.file("burn.pprof")
        try Command.check([program, gzipped], timeout: 60)
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: gzipped)))
        #expect(Gzip.isCompressed(bytes), "Go writes its profiles gzipped")
        let plain = directory.file("burn-plain.pb")
        try Data(try Gzip.decompress(bytes)).write(to: URL(fileURLWithPath: plain))

        for file in [gzipped, plain] {
            let tmux = try TmuxSession([try FlametopBinary.path, "view", file], width: 160, height: 30,
                                       environment: ["LANG": "C.UTF-8", "XDG_STATE_HOME": directory.path])
            defer { tmux.close() }
            let screen = try tmux.waitFor("main.burn", timeout: 20)
            #expect(screen.contains("main.main"), "\(screen)")
            try tmux.sendKeys("q")
            #expect(try tmux.waitForExit(timeout: 10) == 0)
        }
    }

    /// Burns CPU in `main.burn` for 1.5 s under runtime/pprof's CPU profiler.
    static let goCPUProfileProgram = """
        package main

        import (
        \t"os"
        \t"runtime/pprof"
        \t"time"
        )

        //go:noinline
        func burn(n int) int {
        \ts := 0
        \tfor i := 0; i < n; i++ {
        \t\ts += i * i % 7
        \t}
        \treturn s
        }

        func main() {
        \tf, err := os.Create(os.Args[1])
        \tif err != nil {
        \t\tpanic(err)
        \t}
        \tif err := pprof.StartCPUProfile(f); err != nil {
        \t\tpanic(err)
        \t}
        \tdeadline := time.Now().Add(1500 * time.Millisecond)
        \ts := 0
        \tfor time.Now().Before(deadline) {
        \t\ts += burn(100000)
        \t}
        \tpprof.StopCPUProfile()
        \tf.Close()
        \tif s == 42 {
        \t\tprintln(s)
        \t}
        }
        """
}
