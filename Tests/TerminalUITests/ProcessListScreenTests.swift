import Sampling
import Testing
@testable import TerminalUI

@Suite struct ProcessListScreenTests {
    static func process(_ pid: Int32, _ command: String, cpu: Double = 0, rss: UInt64 = 4 << 20,
                        threads: Int = 1, user: String = "root", state: Character = "S",
                        kernel: Bool = false) -> ProcessTableEntry {
        ProcessTableEntry(pid: pid, parentPID: 1, uid: 0, user: user, state: state, threads: threads,
                          residentBytes: rss, cpuTicks: 0, cpuPercent: cpu,
                          command: String(command.split(separator: " ").first ?? ""),
                          commandLine: kernel ? "[\(command)]" : command, isKernelThread: kernel, startTicks: 0)
    }

    static func snapshot(_ processes: [ProcessTableEntry]) -> ProcessTableSnapshot {
        ProcessTableSnapshot(processes: processes, loadAverage: [0.52, 0.31, 0.2], cpuCount: 2,
                             memoryTotalBytes: 2 << 30, interval: 1)
    }

    static let sample = [
        process(101, "/usr/sbin/sshd -D", cpu: 0.3, rss: 8 << 20),
        process(2345, "python3 /srv/app/worker.py --queue jobs", cpu: 97.5, rss: 310 << 20, threads: 4, user: "app"),
        process(2, "kthreadd", rss: 0, kernel: true),
        process(777, "postgres: checkpointer", cpu: 12, rss: 1536 << 20, threads: 1, user: "postgres"),
    ]

    func screen(_ processes: [ProcessTableEntry] = sample, height: Int = 24) -> ProcessListScreen {
        var screen = ProcessListScreen(frequency: 99, duration: 10)
        screen.resize(height: height)
        screen.update(Self.snapshot(processes))
        return screen
    }

    func render(_ screen: ProcessListScreen, width: Int = 80, height: Int = 24, glyphs: Glyphs = .unicode) -> Canvas {
        var canvas = Canvas(width: width, height: height, glyphs: glyphs)
        screen.render(into: &canvas)
        return canvas
    }

    @Test func rendersHeaderColumnsRowsAndFooterAt80x24() {
        let canvas = render(screen())
        #expect(canvas.line(0) == " flametop  load 0.52 0.31 0.20  2 CPUs  99 Hz  10 s  4 processes")
        #expect(canvas.line(1) == " sorted by CPU% (highest first)")
        #expect(canvas.line(2) == "    PID USER       ▼CPU%    RSS  THR S COMMAND")
        #expect(canvas.line(3) == "   2345 app         97.5   310M    4 S python3 /srv/app/worker.py --queue jobs")
        #expect(canvas.line(4) == "    777 postgres    12.0   1.5G    1 S postgres: checkpointer")
        #expect(canvas.line(5) == "    101 root         0.3   8.0M    1 S /usr/sbin/sshd -D")
        #expect(canvas.line(6) == "      2 root         0.0      0    1 S [kthreadd]")
        #expect(canvas.line(23).hasPrefix("Enter Profile  a All  / Filter  P/M/N/T Sort  F Freq  d Duration  ? Help"))
        #expect(canvas[3, 0].style == .selection)
        #expect(canvas[4, 20].style == .warm)
        #expect(canvas[6, 0].style == .dim)
    }

    @Test func longCommandLinesAreCutToTheWidth() {
        let long = Self.process(9, "java -Xmx8g -cp " + String(repeating: "/opt/lib/x.jar:", count: 30) + " Main")
        let narrow = render(screen([long]), width: 80)
        #expect(narrow.line(3).count == 80)
        #expect(narrow.line(3).hasSuffix("…"))
        let wide = render(screen([long]), width: 300, height: 100)
        #expect(wide.line(3).count == 300)
        #expect(wide.line(99).hasPrefix("Enter Profile"))
    }

    @Test func sortKeysChangeAndReverseTheOrder() {
        var screen = screen()
        #expect(screen.rows.map(\.pid) == [2345, 777, 101, 2])
        #expect(screen.handle(.character("M")) == .redraw)
        #expect(screen.rows.map(\.pid) == [777, 2345, 101, 2])
        _ = screen.handle(.character("N"))
        #expect(screen.rows.map(\.pid) == [2, 101, 777, 2345])
        _ = screen.handle(.character("N"))
        #expect(screen.rows.map(\.pid) == [2345, 777, 101, 2])
        _ = screen.handle(.character("U"))
        #expect(screen.rows.map(\.user) == ["app", "postgres", "root", "root"])
        #expect(render(screen).line(2) == "    PID USER▲       CPU%    RSS  THR S COMMAND")
        #expect(render(screen, glyphs: .ascii).line(2) == "    PID USER^       CPU%    RSS  THR S COMMAND")
    }

    @Test func selectionFollowsItsProcessAcrossRefreshes() {
        var screen = screen()
        _ = screen.handle(.down)
        #expect(screen.selectedProcess?.pid == 777)
        // The next scan reorders: 777 becomes the busiest.
        var next = Self.sample
        next[3].cpuPercent = 150
        screen.update(Self.snapshot(next))
        #expect(screen.rows.first?.pid == 777)
        #expect(screen.selectedProcess?.pid == 777)
        #expect(screen.selectedIndex == 0)
    }

    @Test func aVanishedProcessMovesTheCursorToTheNearestRow() {
        var screen = screen()
        _ = screen.handle(.end)
        #expect(screen.selectedProcess?.pid == 2)
        screen.update(Self.snapshot(Array(Self.sample.dropLast(2)) + [Self.sample[3]]))
        #expect(screen.rows.map(\.pid) == [2345, 777, 101])
        #expect(screen.selectedProcess?.pid == 101)
        screen.update(Self.snapshot([]))
        #expect(screen.selectedProcess == nil)
        #expect(render(screen).line(3) == " no processes")
        #expect(screen.handle(.enter) == .redraw)
        #expect(screen.handle(.down) == .redraw)
        screen.update(Self.snapshot(Self.sample))
        #expect(screen.selectedProcess?.pid == 2345)
    }

    @Test func pagingAndScrollingKeepTheSelectionOnScreen() {
        let many = (1...100).map { Self.process(Int32($0), "task\($0)", cpu: Double(100 - $0)) }
        var screen = screen(many)
        #expect(screen.visibleRows == 20)
        _ = screen.handle(.pageDown)
        #expect(screen.selectedIndex == 20)
        #expect(screen.scrollOffset == 1)
        _ = screen.handle(.end)
        #expect(screen.selectedIndex == 99)
        #expect(screen.scrollOffset == 80)
        let canvas = render(screen)
        #expect(canvas.line(22).hasSuffix("task100"))
        #expect(canvas[22, 0].style == .selection)
        _ = screen.handle(.home)
        #expect(screen.scrollOffset == 0)
        _ = screen.handle(.character("j"))
        _ = screen.handle(.character("j"))
        _ = screen.handle(.character("k"))
        #expect(screen.selectedIndex == 1)
        _ = screen.handle(.pageUp)
        #expect(screen.selectedIndex == 0)
        screen.resize(height: 10)
        _ = screen.handle(.pageDown)
        #expect(screen.selectedIndex == 6)
    }

    @Test func filterFollowsTypingAndEscapeRestores() {
        var screen = screen()
        _ = screen.handle(.character("/"))
        #expect(screen.isPrompting)
        for character in "post" { _ = screen.handle(.character(character)) }
        #expect(screen.rows.map(\.pid) == [777])
        #expect(render(screen).line(1) == "Filter (name or PID): post█")
        _ = screen.handle(.escape)
        #expect(!screen.isPrompting)
        #expect(screen.rows.count == 4)

        _ = screen.handle(.character("/"))
        for character in "23" { _ = screen.handle(.character(character)) }
        _ = screen.handle(.enter)
        #expect(screen.filter == "23")
        #expect(screen.rows.map(\.pid) == [2345])
        #expect(render(screen).line(1) == " sorted by CPU% (highest first)  filter \"23\": 1 of 4")
        _ = screen.handle(.character("/"))
        _ = screen.handle(.control("u"))
        for character in "nothing" { _ = screen.handle(.character(character)) }
        _ = screen.handle(.enter)
        #expect(render(screen).line(3) == " no process matches \"nothing\"")
        _ = screen.handle(.escape)
        #expect(screen.filter == "")
        #expect(screen.rows.count == 4)
    }

    @Test func frequencyAndDurationPromptsValidate() {
        var screen = screen()
        _ = screen.handle(.character("F"))
        _ = screen.handle(.control("u"))
        for character in "250" { _ = screen.handle(.character(character)) }
        _ = screen.handle(.enter)
        #expect(screen.frequency == 250)

        _ = screen.handle(.character("F"))
        _ = screen.handle(.backspace)
        _ = screen.handle(.backspace)
        _ = screen.handle(.backspace)
        for character in "5000" { _ = screen.handle(.character(character)) }
        _ = screen.handle(.enter)
        #expect(screen.frequency == 250)
        #expect(screen.message?.isError == true)
        let canvas = render(screen)
        #expect(canvas.line(1) == " frequency must be a whole number from 1 to 1000 Hz")
        #expect(canvas[1, 1].style == .warning)

        _ = screen.handle(.character("d"))
        _ = screen.handle(.control("u"))
        _ = screen.handle(.character("0"))
        _ = screen.handle(.enter)
        #expect(screen.duration == nil)
        #expect(render(screen).line(0).contains("250 Hz  until stopped"))

        _ = screen.handle(.character("d"))
        _ = screen.handle(.control("u"))
        for character in "301" { _ = screen.handle(.character(character)) }
        _ = screen.handle(.enter)
        #expect(screen.duration == nil)
        #expect(screen.message?.isError == true)

        _ = screen.handle(.character("d"))
        _ = screen.handle(.escape)
        #expect(screen.duration == nil)
    }

    @Test func enterAndAStartProfilesWithTheChosenSettings() {
        var screen = screen()
        _ = screen.handle(.character("F"))
        _ = screen.handle(.control("u"))
        for character in "49" { _ = screen.handle(.character(character)) }
        _ = screen.handle(.enter)
        var expected = SessionSettings(target: .process(pid: 2345))
        expected.frequency = 49
        expected.duration = 10
        #expect(screen.handle(.enter) == .startProfile(expected))
        expected.target = .allProcesses
        #expect(screen.handle(.character("a")) == .startProfile(expected))
        #expect(screen.handle(.character("q")) == .quit)
        #expect(screen.handle(.character("x")) == .none)
    }

    @Test func helpOverlayListsKeysAndAnyKeyClosesIt() {
        var screen = screen()
        _ = screen.handle(.character("?"))
        let text = render(screen).text
        #expect(text.contains("process list keys"))
        for entry in ProcessListScreen.helpSections.flatMap(\.keys) {
            #expect(text.contains(entry.description), "\(entry.description)\n\(text)")
        }
        #expect(text.contains("profile every process"))
        #expect(text.contains("sort: CPU% mem PID thr"))
        #expect(screen.handle(.character("q")) == .redraw)
        #expect(!screen.showsHelp)
        let ascii = render(screen, glyphs: .ascii)
        #expect(!ascii.text.contains("any key closes"))
    }
}
