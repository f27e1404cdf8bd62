import ArgumentParser
import FoundationEssentials
import Profile
import TerminalUI

/// `flametop view FILE`: the profile screen on a saved folded or pprof file. Needs no privileges.
struct ViewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "view",
        abstract: "Browse a saved folded-stacks or pprof file in the profile screen (no root needed).",
        discussion: """
            Reads flametop's own files and those of stackcollapse-perf.pl, bcc `profile -f` and \
            py-spy `--format raw`. Kernel frames are recognised by their `_[k]` suffix. Reads regular \
            files up to 4 GiB; its memory grows with the distinct function names (about 0.5 KB each) \
            and the call tree's nodes (about 40 bytes each).

            Also reads pprof files, gzipped or not (named *.pb.gz, *.pb, *.pprof, or any gzipped \
            file): flametop's own, and those of Go's runtime/pprof and net/http/pprof. The sample \
            count is shown (a CPU profile's `samples`, else the profile's default sample type); \
            frames in the `[kernel.kallsyms]` mapping are kernel frames; samples of several \
            processes get one root per process (the `comm` label).

            Short names are decided as the live screen decides them, per module, from every \
            name the file (and --baseline) holds: template arguments fold to <…> unless two \
            functions of one module would then look the same (a folded file is one module).

            With --baseline BASE the screen opens on the diff view: each function's share in \
            the file vs BASE, the change in points, findings marked (see `flametop diff`); \
            b switches between the diff and the plain profile.
            """
    )

    @Argument(help: ArgumentHelp("The folded or pprof file.", valueName: "file"))
    var file: String

    @Flag(name: .long, help: "The first frame of each stack is a process name (folded files of `record --all`); for pprof, a root per `comm` label always.")
    var processRoots = false

    @Option(name: .long, help: ArgumentHelp("Compare with this folded or pprof file (the diff view).", valueName: "base"))
    var baseline: String?

    @OptionGroup var display: DisplayOptions

    func run() throws {
        var stacks = try FoldedFileLoader.load(file, processRoots: processRoots)
        guard !stacks.isEmpty else { throw CommandFailure("\(file) holds no stacks") }
        let baseCounts = try baseline.map { try FoldedProfileFile.read($0, processRoots: processRoots) }
        // Short names as the live screen decides them, per module, from every name the files hold.
        let baseStacks = baseCounts.map { Array($0.counts.keys) } ?? []
        let names = ModuleShortNames(frames: stacks.distinctFrames, baseStacks.lazy.flatMap(\.frames))
        stacks.decideShortNames(names)
        var base: ProfileBaseline?
        if let baseline, let baseCounts {
            base = ProfileBaseline(counts: names.applied(to: baseCounts), name: FoldedProfileFile.name(of: baseline))
        }
        let source = StaticProfileSource(stacks: stacks, name: URL(fileURLWithPath: file).lastPathComponent,
                                         baseline: base)
        var options = TerminalUIOptions(start: .view(source)) { _, _ in
            throw CommandFailure("a saved profile cannot start sampling")
        }
        options.ascii = display.ascii
        options.noColor = display.noColor
        options.autosaveDirectory = nil
        let exit = runTerminalUI(options)
        for message in exit.messages { Console.error(message) }
        if exit.status != 0 { throw ExitCode(exit.status) }
    }
}
