import Foundation
import Sampling
import Testing
import TestSupport
@testable import TerminalUI

/// The process list's "waiting" order: voluntary context switches per second,
/// read from /proc/PID/task/*/status.
@Suite struct WaitingSortTests {
    @Test func parsesVoluntarySwitchesFromAStatusFile() {
        let status = "Name:\tsleep\nvoluntary_ctxt_switches:\t1234\nnonvoluntary_ctxt_switches:\t5\n"
        #expect(ProcessTable.voluntarySwitches(inStatus: status) == 1234)
        #expect(ProcessTable.voluntarySwitches(inStatus: "Name:\tx\n") == nil)
    }

    @Test func wSortsByWaitsAndShowsTheColumn() {
        var quiet = ProcessListScreenTests.process(10, "busy-loop", cpu: 99)
        quiet.waitsPerSecond = 2
        var waiter = ProcessListScreenTests.process(20, "postgres: walwriter")
        waiter.waitsPerSecond = 4800
        var screen = ProcessListScreen(frequency: 99, duration: 10)
        screen.resize(height: 24)
        screen.update(ProcessListScreenTests.snapshot([quiet, waiter]))
        #expect(screen.rows.map(\.pid) == [10, 20])
        #expect(screen.handle(.character("W")) == .redraw)
        #expect(screen.sortKey == .waiting)
        #expect(screen.rows.map(\.pid) == [20, 10])
        var canvas = Canvas(width: 80, height: 24, glyphs: .unicode)
        screen.render(into: &canvas)
        #expect(canvas.line(1).hasPrefix(" sorted by waits/s (voluntary context switches) (highest first)"))
        #expect(canvas.line(2).contains("CPU% ▼WAIT/s"), "\(canvas.line(2))")
        #expect(canvas.line(3).contains("4800"), "\(canvas.line(3))")
    }

    /// A child that sleeps in a loop on two threads blocks hundreds of times a second.
    @Test func aSleepingChildWaitsOften() throws {
        let sleeper = try RunningProcess(["sh", "-c", "while :; do sleep 0.001; done"])
        defer { sleeper.terminate() }
        var table = ProcessTable()
        table.readsVoluntarySwitches = true
        _ = table.scan()
        var last: ProcessTableEntry?
        let waits = Wait.until(timeout: 15, interval: 0.25) {
            let scan = table.scan()
            last = scan.process(pid: sleeper.pid)
            return (scan.interval ?? 0) >= 0.2 && (last?.waitsPerSecond ?? 0) > 20
        }
        #expect(waits, "the shell waits for each sleep: \(last?.waitsPerSecond ?? -1)/s")
        #expect(table.voluntarySwitches(pid: getpid()) > 0, "this test process has blocked before")
    }
}
