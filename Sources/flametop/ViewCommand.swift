import ArgumentParser
import Foundation
import Profile
import TerminalUI

/// `flametop view FILE`: the profile screen on a saved folded file. Needs no privileges.
struct ViewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "view",
        abstract: "Browse a saved folded-stacks file in the profile screen (no root needed).",
        discussion: """
            Reads flametop's own files and those of stackcollapse-perf.pl, bcc `profile -f` and \
            py-spy `--format raw`. Kernel frames are recognised by their `_[k]` suffix. Reads regular \
            files up to 4 GiB and holds about three times the file in memory.
            """
    )

    @Argument(help: ArgumentHelp("The folded file.", valueName: "file.folded"))
    var file: String

    @Flag(name: .long, help: "The first frame of each stack is a process name (files of `record --all`).")
    var processRoots = false

    @OptionGroup var display: DisplayOptions

    func run() throws {
        let stacks = try FoldedFileLoader.load(file, processRoots: processRoots)
        guard !stacks.isEmpty else { throw CommandFailure("\(file) holds no stacks") }
        let source = StaticProfileSource(stacks: stacks, name: URL(fileURLWithPath: file).lastPathComponent)
        var options = TerminalUIOptions(start: .view(source)) { _ in
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
