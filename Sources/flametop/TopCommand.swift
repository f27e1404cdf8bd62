import ArgumentParser
import FoundationEssentials
import Sampling
import Symbolization
import TerminalUI

/// `flametop` with no subcommand: the live terminal UI.
struct TopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "The live UI: a process list; Enter profiles the selection (the default command).",
        discussion: """
            Shows the busiest processes like htop. Enter profiles the selected one: a live flame tree \
            and a top-functions table fill in as samples arrive. `a` profiles every process, `?` lists \
            every key, `w` switches between frame-pointer and DWARF unwinding. A timeline of samples \
            per second sits above the tree: `t`, `[ ]` and `{ }` choose the window the panes show, `m` \
            marks it as the baseline of a diff view. While the list is open, every process is sampled \
            at --history-rate (19 Hz), so a profile opened with Enter begins with the minutes before \
            (the low-rate part of its timeline). Live profiles are \
            autosaved every few seconds under $XDG_STATE_HOME/flametop (default \
            ~/.local/state/flametop); the path is printed on exit.
            """
    )

    @Option(name: .shortAndLong, help: "Profile this process at once (q returns to the process list).")
    var pid: Int32?

    @Flag(name: .long, help: "Profile every process at once.")
    var all = false

    @Option(name: .shortAndLong, help: "Seconds to sample, 0–300; 0 samples until stopped.")
    var duration: Int = 0

    @Option(name: .long, help: ArgumentHelp("Seconds of per-second history kept for the timeline and its windows (t, [ ], m), 0–86400; 0 keeps none.", valueName: "seconds"))
    var history = SessionSettings.defaultHistorySeconds

    @Option(name: .long, help: ArgumentHelp("While the process list is open, sample every process at this rate (0–1000 Hz, in the kernel, raw stacks kept for --history seconds, at most 16 MB), so Enter opens a profile that already holds the minutes before you chose it; 0 turns it off.", valueName: "Hz"))
    var historyRate = HistoryRecorder.defaultHz

    @OptionGroup var sampling: SamplingOptions
    @OptionGroup var symbols: SymbolOptions
    @OptionGroup var display: DisplayOptions

    func validate() throws {
        guard SessionSettings.historyRange.contains(history) else {
            throw ValidationError("--history must be between 0 and 86400 seconds (got \(history))")
        }
        guard HistoryRecorder.rateRange.contains(historyRate) else {
            throw ValidationError("--history-rate must be between 0 (off) and 1000 Hz (got \(historyRate))")
        }
        if pid != nil && all { throw ValidationError("--pid and --all exclude each other") }
        if let pid, pid <= 0 { throw ValidationError("--pid must be a positive process id") }
        guard (0...SessionSettings.durationRange.upperBound).contains(duration) else {
            throw ValidationError("--duration must be between 0 (until stopped) and 300 seconds (got \(duration))")
        }
    }

    func run() throws {
        let target: SessionSettings.Target? = pid.map { .process(pid: $0) } ?? (all ? .allProcesses : nil)
        var settings = try sampling.settings(target: target ?? .allProcesses, duration: duration == 0 ? nil : duration)
        settings.historySeconds = history
        // The profile screen's T groups by thread; stacks carry their thread to allow it.
        settings.keepsThreads = true
        let initial = settings
        let symbolizerOptions = symbols.symbolizerOptions
        var options = TerminalUIOptions(start: target == nil ? .processList : .profile(initial)) { picked, seed in
            // The UI picks target, frequency, duration and mode; everything else (unwinding,
            // stack copy, map sizes, …) comes from the command line.
            var settings = initial
            settings.target = picked.target
            settings.frequency = picked.frequency
            settings.duration = picked.duration
            // The `o` key's mode; off-CPU and wall walk stacks with frame pointers.
            settings.mode = picked.mode
            if picked.mode != .cpu { settings.unwind = .framePointers }
            let session = try ProfilingSession(settings: settings, symbolizer: Symbolizer(options: symbolizerOptions), seed: seed)
            return BackgroundSession(session: session)
        }
        options.history.hz = historyRate
        // The history's seconds are the profile's: a seeded session holds them in its ring.
        options.history.capacitySeconds = max(history, 1)
        if history == 0 { options.history.hz = 0 }
        options.foldedOptions = symbols.foldedOptions
        options.ascii = display.ascii
        options.noColor = display.noColor
        options.frequency = sampling.frequency
        options.duration = duration == 0 ? nil : duration
        let exit = runTerminalUI(options)
        for message in exit.messages { Console.error(message) }
        if exit.status != 0 { throw ExitCode(exit.status) }
    }
}
