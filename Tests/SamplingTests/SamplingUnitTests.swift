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
        let stat = try #require(ProcessStatLine(line.utf8))
        #expect(stat.command == "my (odd) prog")
        #expect(stat.state == "R")
        #expect(stat.flags == 4_194_560)
    }

    @Test func kernelThreadFlag() throws {
        let kthreadd = "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 0 0 0"
        let stat = try #require(ProcessStatLine(kthreadd.utf8))
        #expect(stat.isKernelThread && stat.parentPID == 0 && stat.threads == 1)
        #expect(ProcessStatLine("garbage".utf8) == nil)
    }

    @Test func liveProcessIsNotAKernelThread() {
        #expect(ProcessStatLine.read(pid: getpid())?.isKernelThread == false)
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
        let losses = statistics.nonZeroLosses.map(\.loss)
        #expect(losses == [.countsMapFull, .userStackMapFull], "incomplete frame-pointer stacks are not a loss")
        #expect(statistics.totalLost == 2, "a lost user stack keeps its sample")
    }
}

struct ThreadEntryFramesTests {
    @Test func threadEntriesIncludeVersionedAndThreadStarts() {
        func frames(_ names: String...) -> [Frame] { names.map { Frame(function: $0, module: "m") } }
        #expect(ThreadEntryFrames.reached(frames("__libc_start_main@@GLIBC_2.34", "leaf")))
        #expect(ThreadEntryFrames.reached(frames("start_thread", "worker", "leaf")))
        #expect(ThreadEntryFrames.reached(frames("runtime.goexit", "main.work")))
        #expect(!ThreadEntryFrames.reached(frames("leaf")))
        #expect(!ThreadEntryFrames.reached(frames("0x7f0000001234", "leaf")))
        #expect(!ThreadEntryFrames.reached(frames("domain_main", "leaf")), "only whole names count")
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
