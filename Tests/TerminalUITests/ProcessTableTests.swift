import Foundation
import Sampling
import Testing
import TestSupport

/// The process table on the live /proc of this machine.
@Suite struct ProcessTableTests {
    @Test func aBusyChildShowsMoreThanHalfACore() throws {
        let busy = try RunningProcess(["sh", "-c", "while :; do :; done"])
        defer { busy.terminate() }
        var table = ProcessTable()
        _ = table.scan()
        var last: ProcessTableEntry?
        // The machine is shared: poll until a scan interval shows the loop running.
        let busyEnough = Wait.until(timeout: 15, interval: 0.5) {
            last = table.scan().process(pid: busy.pid)
            return (last?.cpuPercent ?? 0) > 50
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
        var table = ProcessTable()
        let entry = try #require(table.scan().process(pid: child.pid))
        #expect(entry.command == "a) (b c")
        #expect(entry.state == "S" || entry.state == "R")
        #expect(entry.commandLine == "\(program) 600")
    }

    @Test func argumentsAreJoinedWithSpaces() throws {
        let child = try RunningProcess(["sh", "-c", "sleep 600; :", "name", "x  y", ""])
        defer { child.terminate() }
        var table = ProcessTable()
        let read = table.read(pid: child.pid)
        let entry = try #require(read)
        #expect(entry.commandLine.hasSuffix("sh -c sleep 600; : name x  y"), "\(entry.commandLine)")
        #expect(ProcessTable.joinArguments(Array("a\0b c\0\0".utf8)) == "a b c")
    }
}
