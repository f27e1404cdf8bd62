import Foundation
import Profile
import Sampling
import Symbolization
import Testing
@testable import TerminalUI

/// Programs that the tmux tests run in a real terminal. The test binary runs itself
/// again, filtered to `childProgram`, with FLAMETOP_TUI_CHILD naming the scenario; run
/// normally (no variable) the test does nothing.
enum TerminalChild {
    static let variable = "FLAMETOP_TUI_CHILD"

    /// The command line that runs `scenario` as a child.
    static func command() -> [String] {
        [CommandLine.arguments[0], "--testing-library", "swift-testing",
         "--filter", "TerminalChildProgram/childProgram"]
    }

    static func run(scenario: String) -> Never {
        if scenario == "app" { runApp() }
        let environment = ProcessInfo.processInfo.environment
        let terminal: Terminal
        do {
            terminal = try Terminal(options: .init(ascii: environment["CHILD_ASCII"] != nil))
        } catch {
            print("terminal error: \(error)")
            exit(3)
        }
        var lastEvent = "none"
        while true {
            var canvas = terminal.makeCanvas()
            canvas.fill(row: 0, style: .header)
            canvas.write("ready \(canvas.width)x\(canvas.height) color=\(terminal.usesColor)", row: 0, column: 0, style: .header)
            canvas.write("last: \(lastEvent)", row: 1, column: 0)
            canvas.bar(fraction: 0.5, row: 2, column: 0, width: 10, style: .hot)
            canvas.write("日本 wide", row: 3, column: 0)
            canvas.writeRightAligned("bottom-right", row: canvas.height - 1, endColumn: canvas.width,
                                     maxWidth: canvas.width)
            terminal.draw(canvas)
            for event in terminal.waitForEvents(timeout: 1) {
                switch event {
                case .signal(let signal):
                    terminal.restore()
                    print("child handled signal \(signal)")
                    exit(0)
                case .key(.character("q")):
                    terminal.restore()
                    print("child quit")
                    exit(0)
                case .key(.character("c")) where scenario == "crash":
                    fatalError("deliberate crash to test terminal restore")
                case .key(.character("s")) where scenario == "crash":
                    raise(SIGSEGV)
                case .key(let key):
                    lastEvent = "\(key)"
                case .resize:
                    lastEvent = "resize"
                }
            }
        }
    }
}

extension TerminalChild {
    /// The whole UI as the CLI will run it, with real sampling sessions. CHILD_START is
    /// `list`, `pid:PID` or `view:FILE`.
    static func runApp() -> Never {
        let environment = ProcessInfo.processInfo.environment
        let start = environment["CHILD_START"] ?? "list"
        var options = TerminalUIOptions { settings, seed in
            BackgroundSession(session: try ProfilingSession(settings: settings, symbolizer: Symbolizer(), seed: seed))
        }
        options.ascii = environment["CHILD_ASCII"] != nil
        options.duration = environment["CHILD_DURATION"].flatMap { Int($0) }.map { $0 == 0 ? nil : $0 } ?? 10
        options.autosaveInterval = 1
        if start.hasPrefix("pid:"), let pid = Int32(start.dropFirst(4)) {
            var settings = SessionSettings(target: .process(pid: pid))
            settings.duration = options.duration
            options.start = .profile(settings)
        } else if start.hasPrefix("view:") {
            let path = String(start.dropFirst(5))
            do {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                let counts = try FoldedReader().read(text)
                options.start = .view(StaticProfileSource(counts: counts, name: (path as NSString).lastPathComponent))
            } catch {
                print("cannot read \(path): \(error)")
                exit(2)
            }
        }
        let result = runTerminalUI(options)
        for message in result.messages { print(message) }
        print("exit status \(result.status)")
        exit(result.status)
    }
}

@Suite struct TerminalChildProgram {
    @Test func childProgram() {
        guard let scenario = ProcessInfo.processInfo.environment[TerminalChild.variable] else { return }
        TerminalChild.run(scenario: scenario)
    }
}
