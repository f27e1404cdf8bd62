import TerminalUI
import Foundation
import Sampling
import Testing
import TestSupport

/// The process table on the live /proc of this machine.
@Suite struct ProcessTableTests {
    /// The entry of a just-spawned child once it has exec'd: until then /proc shows the
    /// forked test process, or an empty command line mid-exec.
    static func started(_ pid: Int32) -> ProcessTableEntry? {
        var table = ProcessTable()
        var entry: ProcessTableEntry?
        Wait.until(timeout: 10) {
            entry = table.read(pid: pid)
            return entry.map { !$0.commandLine.hasPrefix("[") && !$0.commandLine.contains("xctest") } ?? false
        }
        return entry
    }

    @Test func aBusyChildShowsMoreThanHalfACore() throws {
        let busy = try RunningProcess(["sh", "-c", "while :; do :; done"])
        defer { busy.terminate() }
        var table = ProcessTable()
        var last: ProcessTableEntry?
        // The machine is shared: poll until a scan interval shows the loop running.
        _ = table.scan()
        let busyEnough = Wait.until(timeout: 15, interval: 0.25) {
            // Clock ticks are 10 ms: judge only scans a quarter second apart.
            let scan = table.scan()
            last = scan.process(pid: busy.pid)
            return (scan.interval ?? 0) >= 0.2 && (last?.cpuPercent ?? 0) > 50
        }
        #expect(busyEnough, "busy loop \(busy.pid) at \(last?.cpuPercent ?? -1)% CPU")
        let entry = try #require(last)
        #expect(entry.commandLine.hasSuffix("sh -c while :; do :; done"), "\(entry.commandLine)")
        #expect(entry.command == "sh")
        #expect(entry.state == "R")
        #expect(entry.parentPID == getpid())
        #expect(entry.threads == 1)
        #expect(entry.residentBytes > 0)
        #expect(!entry.isKernelThread)
        #expect(entry.cpuPercent <= 100 * Double(ProcessInfo.processInfo.activeProcessorCount) + 5)
    }

    @Test func firstScanHasNoCPUPercentAndReportsHostFigures() {
        var table = ProcessTable()
        let snapshot = table.scan()
        #expect(snapshot.interval == nil)
        #expect(snapshot.processes.allSatisfy { $0.cpuPercent == 0 })
        #expect(snapshot.cpuCount == ProcessInfo.processInfo.activeProcessorCount)
        #expect(snapshot.loadAverage.count == 3)
        #expect((snapshot.memoryTotalBytes ?? 0) > 0)
        let myself = snapshot.process(pid: getpid())
        #expect(myself?.user == String(cString: getpwuid(geteuid()).pointee.pw_name))
        #expect(myself?.uid == geteuid())
        #expect((myself?.threads ?? 0) >= 1)
    }

    @Test func aProcessThatExitsBetweenScansDisappearsWithoutError() throws {
        let child = try RunningProcess(["sleep", "600"])
        let pid = child.pid
        var table = ProcessTable()
        #expect(table.scan().process(pid: pid) != nil)
        child.terminate()
        let second = table.scan()
        #expect(second.process(pid: pid) == nil)
        #expect(!second.processes.isEmpty)
        #expect(table.read(pid: pid) == nil)
    }

    @Test func kernelThreadsShowTheirNameInBrackets() throws {
        var table = ProcessTable()
        let kthreadd = try #require(table.scan().process(pid: 2))
        #expect(kthreadd.isKernelThread)
        #expect(kthreadd.commandLine == "[kthreadd]")
        #expect(kthreadd.user == "root")
        #expect(kthreadd.residentBytes == 0)
    }

    @Test func aCommandNameWithSpacesAndParenthesesParses() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // comm is the executable's file name, cut to 15 bytes by the kernel.
        let program = directory.file("a) (b c")
        try FileManager.default.copyItem(atPath: "/bin/sleep", toPath: program)
        let child = try RunningProcess([program, "600"])
        defer { child.terminate() }
        let entry = try #require(Self.started(child.pid))
        var table = ProcessTable()
        #expect(table.scan().process(pid: child.pid)?.command == "a) (b c")
        #expect(entry.command == "a) (b c")
        #expect(entry.state == "S" || entry.state == "R")
        #expect(entry.commandLine == "\(program) 600")
    }

    @Test func argumentsAreJoinedWithSpaces() throws {
        // The shell blocks opening a FIFO nobody writes to: it must not fork, because
        // Foundation's Process waits for every holder of its child's descriptors.
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fifo = directory.file("x  y")
        #expect(mkfifo(fifo, 0o600) == 0)
        let child = try RunningProcess(["sh", "-c", "read line < \"$1\"", "name", fifo, ""])
        defer { child.terminate() }
        let entry = try #require(Self.started(child.pid))
        #expect(entry.commandLine.hasSuffix("sh -c read line < \"$1\" name \(fifo)"), "\(entry.commandLine)")
        #expect(ProcessTable.joinArguments(Array("a\0b c\0\0".utf8)) == "a b c")
    }
}
