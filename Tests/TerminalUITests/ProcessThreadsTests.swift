import Foundation
import Sampling
import Testing
@testable import TerminalUI

@Suite struct ProcessThreadsTests {
    func screen() -> ProcessListScreen {
        var screen = ProcessListScreen(frequency: 99, duration: 10)
        screen.resize(height: 24)
        screen.update(ProcessListScreenTests.snapshot(ProcessListScreenTests.sample))
        return screen
    }

    func render(_ screen: ProcessListScreen) -> Canvas {
        var canvas = Canvas(width: 80, height: 24)
        screen.render(into: &canvas)
        return canvas
    }

    @Test func rightShowsTheSelectedProcessThreadsWithTheirCPUAndMovingFoldsThem() {
        var screen = screen()
        #expect(screen.selectedProcess?.pid == 2345)
        _ = screen.handle(.right)
        #expect(screen.expandedPID == 2345)
        var snapshot = ProcessListScreenTests.snapshot(ProcessListScreenTests.sample)
        snapshot.threads = (2345, [ProcessTableThread(tid: 2346, name: "io_thd_1", state: "R", cpuTicks: 0, cpuPercent: 88),
                                   ProcessTableThread(tid: 2345, name: "python3", state: "S", cpuTicks: 0, cpuPercent: 9.5)])
        screen.update(snapshot)
        let canvas = render(screen)
        let row = (0..<24).first { canvas.line($0).contains("2345") }!
        #expect(canvas.line(row + 1).contains("2346") && canvas.line(row + 1).contains("88") && canvas.line(row + 1).contains("└ io_thd_1"),
                "\(canvas.text)")
        #expect(canvas.line(row + 2).contains("└ python3"))
        // Enter still profiles the process; moving the cursor folds its threads.
        #expect(screen.handle(.enter) == .startProfile({ var s = SessionSettings(target: .process(pid: 2345)); s.duration = 10; return s }()))
        _ = screen.handle(.down)
        #expect(screen.expandedPID == nil)
        #expect(!render(screen).text.contains("io_thd_1"))
    }

    @Test func theTableReadsAProcesssThreadsFromProc() throws {
        var table = ProcessTable()
        let pid = getpid()
        _ = table.scan(threadsOf: pid)
        let snapshot = table.scan(threadsOf: pid)
        let threads = try #require(snapshot.threads)
        #expect(threads.pid == pid)
        #expect(threads.threads.contains { $0.tid == pid }, "the main thread is one of them")
        #expect(table.scan().threads == nil)
    }
}
