import Foundation
import Profile
import TestSupport
import Testing

/// Every hint is true where it is shown: the CLI names what it did not know, doctor names
/// the setting that really blocks, a near-empty recording says why, and a native program's
/// recording suggests no perf map.
@Suite(.serialized)
struct HintsSystemTests {
    @Test func unknownOptionAndMistypedSubcommandAreNamed() throws {
        let binary = try FlametopBinary.path
        let option = try Command.run([binary, "record", "--pdi", "123"], timeout: 30)
        #expect(option.status == 64)
        #expect(option.stderr.contains("Unknown option '--pdi'") && option.stderr.contains("Did you mean '--pid'?"),
                "\(option.stderr)")
        #expect(!option.stderr.contains("give either"), "the unknown flag comes first: \(option.stderr)")
        let subcommand = try Command.run([binary, "recrod"], timeout: 30)
        #expect(subcommand.status == 64)
        #expect(subcommand.stderr.contains("Did you mean 'record'?"), "\(subcommand.stderr)")
        let nothingNear = try Command.run([binary, "frobnicate"], timeout: 30)
        #expect(nothingNear.stderr.contains("the subcommands are top, record, view"), "\(nothingNear.stderr)")
        // Every option the help lists is still known.
        let valid = try Command.run([binary, "record", "--pid", "1", "--duration", "0", "--frequency", "99",
                                     "--unwind", "fp", "--lines", "--raw-names"], timeout: 30)
        #expect(!valid.stderr.contains("Unknown option"), "\(valid.stderr)")
        #expect(valid.stderr.contains("--duration must be between"), "\(valid.stderr)")
    }

    /// As nobody on this host (kptr_restrict=0, perf_event_paranoid=2): kallsyms is hidden by
    /// perf_event_paranoid, and the capabilities fix is given once.
    @Test(.needsRoot) func doctorAsAnUnprivilegedUser() throws {
        let result = try Command.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                                      try FlametopBinary.path, "doctor"], timeout: 30)
        #expect(result.status == 1)
        let restrict = try String(contentsOfFile: "/proc/sys/kernel/kptr_restrict", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if restrict == "0" {
            #expect(!result.stdout.contains("kptr_restrict=0,"), "kptr_restrict is already 0: \(result.stdout)")
            #expect(result.stdout.contains("set kernel.perf_event_paranoid=1"), "\(result.stdout)")
        }
        let fixes = result.stdout.split(separator: "\n").filter { $0.contains("fix:") }
        #expect(Set(fixes).count == fixes.count, "each fix once: \(fixes)")
        #expect(result.stdout.components(separatedBy: "setcap").count == 2, "\(result.stdout)")
        #expect(!result.stdout.contains("\nhint:"), "\(result.stdout)")
    }

    @Test(.needsRoot) func idleTargetSaysOnlyOnCPUTimeIsSampled() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sleeper = try RunningProcess(["sleep", "30"])
        defer { sleeper.terminate() }
        let recording = try Recording.run(["--pid", "\(sleeper.pid)", "--duration", "1"], in: directory)
        #expect(recording.result.stderr.contains("on-CPU time only"), "\(recording.result.stderr)")
        #expect(recording.result.stderr.contains("off CPU"))

        let busy = try Workloads.start(try DebugFixtures.buildInlineChain(compiler: "gcc", in: directory, output: "ic"))
        defer { busy.terminate() }
        let hot = try Recording.run(["--pid", "\(busy.pid)", "--duration", "1", "--unwind", "fp"], in: directory)
        #expect(!hot.result.stderr.contains("on-CPU time only"), "\(hot.result.stderr)")
        // Native code only: whatever is unresolved, it is no JIT code.
        #expect(!hot.result.stderr.contains("perf-PID.map"), "\(hot.result.stderr)")
    }

    /// An export into a folder that does not exist fails with an error shown whole (the
    /// folder's name included, no `?` for a newline), on one line at 200 columns.
    @Test func tuiErrorIsShownWhole() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = try TemporaryDirectory()
        defer { state.remove() }
        let file = try directory.write("saved.folded", "main;parse_request;read_header 30\nmain;idle 10\n")
        let tmux = try TmuxSession([try FlametopBinary.path, "view", file], width: 200, height: 30,
                                   environment: ["LANG": "C.UTF-8", "XDG_STATE_HOME": state.path])
        defer { tmux.close() }
        try tmux.waitFor("parse_request", timeout: 20)
        let target = "\(directory.path)/no-such-folder/out.folded"
        try tmux.sendKeys("e")
        try tmux.waitFor("Export as: f folded stacks")
        try tmux.sendKeys("f")
        try tmux.waitFor("Export folded stacks to:")
        try tmux.sendKeys("C-u")
        try tmux.type(target)
        try tmux.sendKeys("Enter")
        let screen = try tmux.waitUntil("the export error", timeout: 10) { $0.contains("export failed") }
        let line = try #require(screen.split(separator: "\n").first { $0.contains("export failed") })
        #expect(line.contains("no-such-folder"), "the start and the path are kept: \(screen)")
        #expect(!screen.contains("?"), "\(screen)")
        try tmux.sendKeys("q")
    }
}
