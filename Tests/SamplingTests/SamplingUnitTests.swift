import Foundation
import Profile
@testable import Sampling
import TestSupport
import Testing

struct OnlineCPUsTests {
    @Test func parsesRangesAndSingles() {
        #expect(OnlineCPUs.parse("0-3,6\n") == [0, 1, 2, 3, 6])
        #expect(OnlineCPUs.parse("0") == [0])
        #expect(OnlineCPUs.parse("3-1") == nil)
        #expect(OnlineCPUs.parse("x") == nil)
    }
}

struct ProcessStatTests {
    @Test func commWithSpacesAndParentheses() throws {
        let line = "4242 (my (odd) prog) R 1 4242 4242 0 -1 4194560 100 0 0 0 5 6 0 0 20 0 1 0 1234 0 0"
        let stat = try #require(ProcessStat.parse(line))
        #expect(stat.comm == "my (odd) prog")
        #expect(stat.state == "R")
        #expect(stat.flags == 4_194_560)
    }

    @Test func kernelThreadFlag() throws {
        let kthreadd = "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 0 0 0"
        let stat = try #require(ProcessStat.parse(kthreadd))
        #expect(stat.flags & TargetProcess.kernelThreadFlag != 0)
        #expect(ProcessStat.parse("garbage") == nil)
    }

    @Test func liveProcessIsNotAKernelThread() {
        #expect(!ProcessStat.isKernelThread(pid: getpid()))
    }
}

struct CapabilitiesTests {
    @Test func bpfAndPerfmonOrSysAdmin() {
        let none = Capabilities(effective: 0)
        #expect(!none.canProfile)
        #expect(none.missingForProfiling == ["CAP_BPF", "CAP_PERFMON"])
        #expect(throws: SamplingError.self) { try none.requireProfiling() }
        let both = Capabilities(effective: (1 << 38) | (1 << 39))
        #expect(both.canProfile)
        let admin = Capabilities(effective: 1 << 21)
        #expect(admin.canProfile)
        let bpfOnly = Capabilities(effective: 1 << 39)
        #expect(bpfOnly.missingForProfiling == ["CAP_PERFMON"])
    }
}

struct SamplingStatisticsTests {
    @Test func onlyNonZeroLossesAreReported() {
        var statistics = SamplingStatistics()
        #expect(statistics.nonZeroLosses.isEmpty)
        statistics.userStackMapFull = 3
        statistics.droppedMapFull = 2
        statistics.framePointerStacksIncomplete = 7
        let names = statistics.nonZeroLosses.map(\.name)
        #expect(names.count == 2, "incomplete frame-pointer stacks are not a loss: \(names)")
        #expect(names.contains { $0.contains("counts map full") })
        #expect(names.contains { $0.contains("user stack map full") })
    }
}

struct RecordSummaryTests {
    func snapshot(state: SessionSnapshot.State, statistics: SamplingStatistics = SamplingStatistics()) -> SessionSnapshot {
        var counts = StackCounts()
        counts.add(Stack([Frame(function: "main", module: "app"),
                          Frame(function: "hot", module: "app", sourceFile: "/src/app/hot.c", line: 42)]), count: 75)
        counts.add(Stack([Frame(function: "main", module: "app"), Frame(function: "vfs_read", module: "[kernel]", kind: .kernel)]),
                   count: 25)
        var settings = SessionSettings(target: .process(pid: 42))
        settings.frequency = 99
        return SessionSnapshot(settings: settings, counts: counts, statistics: statistics, state: state,
                               startedAt: Date(), elapsed: 1.0, targetName: "app", generation: 3)
    }

    @Test func summarisesSamplesTopFunctionsAndEnding() {
        let text = RecordSummary(snapshot: snapshot(state: .finished), outputPath: "out.folded", stopSignal: nil).text
        #expect(text.contains("recorded PID 42 (app) for 1.0 s at 99 Hz: 100 samples, 2 unique stacks"))
        #expect(text.contains("ended: duration elapsed"))
        #expect(text.contains("wrote out.folded"))
        #expect(text.contains(" 75.0%   75.0%        75  hot  [app]  hot.c:42"))
        #expect(text.contains("vfs_read [k]  [kernel]"))
        #expect(!text.contains("  main"), "functions without self time are not in the top list")
        #expect(text.contains("losses: none"))
    }

    @Test func namesTheUnwindModeAndSuggestsDwarf() {
        var auto = snapshot(state: .finished)
        auto.unwind = .dwarf
        auto.unwindDecision = "auto: DWARF from 0.5 s on (frame pointers: 0% of 250 stacks complete)"
        #expect(RecordSummary(snapshot: auto, outputPath: nil, stopSignal: nil).text
            .contains("unwind: auto: DWARF from 0.5 s on"))

        var statistics = SamplingStatistics()
        statistics.framePointerStacks = 100
        statistics.framePointerStacksIncomplete = 80
        var manual = snapshot(state: .finished, statistics: statistics)
        manual.settings.unwind = .framePointers
        manual.unwind = .framePointers
        #expect(RecordSummary(snapshot: manual, outputPath: nil, stopSignal: nil).text
            .contains("unwind: frame pointers; 80% of 100 stacks reach no thread entry (code without frame pointers): try --unwind dwarf"))
    }

    @Test func namesTheSignalAndEveryLoss() {
        var statistics = SamplingStatistics()
        statistics.kernelStackMapFull = 4
        let text = RecordSummary(snapshot: snapshot(state: .stopped, statistics: statistics), outputPath: nil,
                                 stopSignal: "SIGTERM").text
        #expect(text.contains("ended: stopped by SIGTERM"))
        #expect(text.contains("kernel stack map full (raise --stack-map-size): 4"))
        #expect(!text.contains("wrote"))
    }
}

struct AutoUnwindRuleTests {
    @Test func decidesOnlyWithEnoughStacks() {
        #expect(AutoUnwindRule.verdict(stacks: 49, incomplete: 49) == .undecided)
        #expect(AutoUnwindRule.verdict(stacks: 50, incomplete: 4) == .keepFramePointers)
        #expect(AutoUnwindRule.verdict(stacks: 50, incomplete: 5) == .switchToDwarf)
        #expect(AutoUnwindRule.verdict(stacks: 1000, incomplete: 0) == .keepFramePointers)
        #expect(AutoUnwindRule.verdict(stacks: 1000, incomplete: 1000) == .switchToDwarf)
    }

    @Test func threadEntriesIncludeVersionedAndThreadStarts() {
        func frames(_ names: String...) -> [Frame] { names.map { Frame(function: $0, module: "m") } }
        #expect(AutoUnwindRule.reachesThreadEntry(frames("__libc_start_main@@GLIBC_2.34", "leaf")))
        #expect(AutoUnwindRule.reachesThreadEntry(frames("start_thread", "worker", "leaf")))
        #expect(AutoUnwindRule.reachesThreadEntry(frames("runtime.goexit", "main.work")))
        #expect(!AutoUnwindRule.reachesThreadEntry(frames("leaf")))
        #expect(!AutoUnwindRule.reachesThreadEntry(frames("0x7f0000001234", "leaf")))
        #expect(!AutoUnwindRule.reachesThreadEntry(frames("domain_main", "leaf")), "only whole names count")
    }
}

struct AtomicOutputFileTests {
    @Test func commitRenamesIntoPlace() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("out.folded")
        let file = try AtomicOutputFile(path: path)
        file.write("main;hot 3\n")
        #expect(!FileManager.default.fileExists(atPath: path), "nothing at the final path before commit")
        try file.commit()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "main;hot 3\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.folded"])
    }

    @Test func discardLeavesNothing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try AtomicOutputFile(path: directory.file("out.folded"))
        file.write("partial")
        file.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    /// `--output /dev/null` or a FIFO: written in place, never replaced by a regular file.
    @Test func aPipeIsWrittenNotReplaced() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fifo = directory.file("pipe")
        #expect(mkfifo(fifo, 0o600) == 0)
        // A reader must exist before a writer can open the FIFO without blocking.
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        defer { close(reader) }
        let file = try AtomicOutputFile(path: fifo)
        file.write("main;hot 3\n")
        try file.commit()
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(reader, &buffer, buffer.count)
        #expect(String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self) == "main;hot 3\n")
        var status = stat()
        #expect(stat(fifo, &status) == 0 && (status.st_mode & S_IFMT) == S_IFIFO, "still a FIFO")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["pipe"])
    }

    /// A symbolic link keeps pointing at the file, which gets the new content.
    @Test func aSymbolicLinkIsFollowed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let target = try directory.write("real.folded", "old 1\n")
        let link = directory.file("link.folded")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let file = try AtomicOutputFile(path: link)
        file.write("new 2\n")
        try file.commit()
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new 2\n")
    }

    @Test func missingDirectoryIsAClearError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            _ = try AtomicOutputFile(path: directory.file("no/such/dir/out.folded"))
            Issue.record("expected an error")
        } catch {
            #expect(error.errno == ENOENT)
            #expect(error.description.contains("directory does not exist"))
        }
    }
}
