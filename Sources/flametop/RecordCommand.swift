import ArgumentParser
import FoundationEssentials
import Glibc
import Logging
import PlatformSupport
import Pprof
import Profile
import Sampling
import Symbolization
import Synchronization
import TerminalUI

struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Sample a process (or all) headless and write folded stacks or pprof.",
        discussion: """
            Folded (the default): one line per unique stack, root → leaf: `main;run;hot 123`. Kernel \
            frames carry the `_[k]` suffix. flamegraph.pl, inferno, speedscope and `flametop view` read \
            the file as is.

            pprof (`--format pprof`, or an output named *.pb.gz, *.pb or *.pprof): gzipped protobuf \
            for `go tool pprof`, Parca, Pyroscope and `flametop view`, with addresses, mappings and \
            build-ids, inlined frames as lines, source files and lines, and pid/comm/thread labels \
            (stacks are then counted per thread; the folded file merges them). Sample \
            types samples/count and cpu/nanoseconds (period 1e9 / Hz).

            --mode says what the counts measure. cpu (the default): on-CPU samples, one per \
            sampling period a thread ran. off: time off the CPU (sleeping, waiting on a lock, I/O, \
            a pipe or socket, or runnable but preempted), by the user and kernel stack the thread \
            blocked in; counts are MICROSECONDS, and each stack starts with its thread \
            (`name (tid N)`). Blocks shorter than --min-block are counted in the summary, not in \
            the file. wall: on-CPU samples weighted by the period plus off-CPU time, in \
            MICROSECONDS, per thread: a thread's stacks add up to its wall-clock time. off and \
            wall walk user stacks with frame pointers (--unwind fp).

            Ctrl-C, SIGTERM or SIGHUP stop early and still write everything sampled so far; so does \
            the target exiting. A one-screen summary (top functions, losses) goes to stderr.
            """
    )

    @Option(name: .shortAndLong, help: "The process to profile (all of its threads, also later ones).")
    var pid: Int32?

    @Flag(name: .long, help: "Profile every process; each stack starts with the process's command name.")
    var all = false

    @Option(name: .shortAndLong, help: "Seconds to sample, 1–300.")
    var duration: Int = 10

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the profile (default: flametop-<comm>-<pid>-<time>.folded, or .pb.gz for pprof). Repeat it to write the one profile in several files (-o x.folded -o x.pb.gz).", valueName: "path"))
    var output: [String] = []

    @Option(name: .long, help: ArgumentHelp("folded or pprof (default: pprof for an output named *.pb.gz, *.pb or *.pprof, else folded).", valueName: "format"))
    var format: ProfileFormat?

    @Option(name: .long, help: ArgumentHelp("What the counts measure: cpu (on-CPU samples), off (off-CPU time by blocking stack, in µs) or wall (on- plus off-CPU time per thread, in µs).", valueName: "cpu|off|wall"))
    var mode: String = "cpu"

    @Option(name: .long, help: ArgumentHelp("off/wall: blocks shorter than this many µs are counted in the summary only, without a stack (0–10000000; default 1000 = 1 ms).", valueName: "µs"))
    var minBlock = 1000

    @OptionGroup var sampling: SamplingOptions

    @OptionGroup var symbols: SymbolOptions

    @Flag(name: .long, help: "Keep threads apart: folded stacks start with the thread, `name (tid N)` (below the command with --all).")
    var perThread = false

    @Flag(name: .shortAndLong, help: "Log each drain (samples, unique stacks, time) to stderr.")
    var verbose = false

    func validate() throws {
        if pid == nil && !all { throw ValidationError("give either --pid PID or --all") }
        if pid != nil && all { throw ValidationError("--pid and --all exclude each other") }
        if let pid, pid <= 0 { throw ValidationError("--pid must be a positive process id") }
        if let pid, let problem = ProcessIDKind.of(pid).problem(pid: pid) { throw ValidationError(problem) }
        guard SessionSettings.durationRange.contains(duration) else {
            throw ValidationError("--duration must be between 1 and 300 seconds (got \(duration))")
        }
        if format != nil && output.count > 1 {
            throw ValidationError("--format names one format; with several --output files, each one's name gives its format (.folded, .pb.gz)")
        }
        guard let profileMode = ProfileMode(rawValue: mode) else {
            throw ValidationError("--mode must be cpu, off or wall (got \(mode))")
        }
        if profileMode != .cpu && sampling.unwind == SessionSettings.UnwindMode.dwarf.rawValue {
            throw ValidationError("--mode \(mode) walks user stacks with frame pointers: drop --unwind dwarf")
        }
        guard SessionSettings.offCPUThresholdRange.contains(minBlock) else {
            throw ValidationError("--min-block must be between 0 and 10000000 µs (got \(minBlock))")
        }
    }

    func run() throws {
        let runStarted = Date()
        SignalWatcher.blockSignals()
        let target: SessionSettings.Target = pid.map { .process(pid: $0) } ?? .allProcesses
        var settings = try sampling.settings(target: target, duration: duration)
        settings.mode = ProfileMode(rawValue: mode) ?? .cpu
        settings.offCPUThresholdMicroseconds = minBlock
        if settings.mode != .cpu { settings.unwind = .framePointers }
        try settings.validate()
        // `make bench` passes its launch time to time start → first sample.
        let benchLaunchNanoseconds = ProcessInfo.processInfo.environment["FLAMETOP_BENCH_T0_NS"].flatMap(UInt64.init)
        settings.measureFirstSample = benchLaunchNanoseconds != nil

        // The outputs are checked first so an unusable path fails before sampling starts.
        var files: [(file: AtomicOutputFile, format: ProfileFormat)] = []
        do {
            if output.isEmpty {
                let format = self.format ?? .folded
                files.append((try AtomicOutputFile(path: format.renaming(defaultOutputPath(target: target))), format))
            }
            for path in output {
                files.append((try AtomicOutputFile(path: path), format ?? ProfileFormat.implied(byPath: path)))
            }
        } catch {
            for (file, _) in files { file.discard() }
            throw CommandFailure(error.description)
        }
        // pprof labels samples by thread: count stacks per thread when a pprof file is written.
        settings.keepsThreads = perThread || files.contains { $0.format == .pprof }
        let session: ProfilingSession
        let symbolizer = Symbolizer(options: symbols.symbolizerOptions)
        do {
            session = try ProfilingSession(settings: settings, symbolizer: symbolizer)
        } catch {
            for (file, _) in files { file.discard() }
            throw CommandFailure(error.description)
        }

        let stopSignal = Mutex<Int32?>(nil)
        SignalWatcher.watch { signal in
            stopSignal.withLock { $0 = $0 ?? signal }
            session.requestStop()
        }
        let scope = session.eventScope == .perTask ? "per-thread" : "per-CPU"
        switch settings.mode {
        case .cpu:
            Console.error("flametop: sampling \(describe(target, session)) at \(settings.frequency) Hz for \(duration) s (\(scope) events, unwind \(settings.unwind.rawValue)); Ctrl-C stops early")
        case .off:
            Console.error("flametop: sampling \(describe(target, session)) off-CPU time for \(duration) s (context switches, blocks from \(minBlock) µs with stacks; counts in µs); Ctrl-C stops early")
        case .wall:
            Console.error("flametop: sampling \(describe(target, session)) wall-clock time for \(duration) s (on-CPU at \(settings.frequency) Hz, \(scope) events, plus off-CPU blocks from \(minBlock) µs; counts in µs); Ctrl-C stops early")
        }

        var logger = Logger(label: "flametop.record")
        logger.logLevel = verbose ? .debug : .notice
        let final = session.run { snapshot in
            for decision in snapshot.newUnwindDecisions {
                logger.debug("unwind decision: \(SamplingWords.decision(decision)) at \(String(cFormat: "%.2f", snapshot.elapsed)) s")
            }
            logger.debug("drain", metadata: [
                "samples": "\(snapshot.counts.totalSamples)",
                "stacks": "\(snapshot.counts.uniqueStacks)",
                "drain_us": "\(snapshot.statistics.lastDrainMicroseconds)",
                "lost": "\(snapshot.statistics.totalLost)",
            ])
        }
        // Formatted once, for every folded output and the summary's count of its lines.
        let foldedLines = files.contains { $0.format == .folded } ? foldedLines(of: final) : []
        var wrote: [String] = []
        var failed = false
        for (file, format) in files {
            let saved = save(final, foldedLines: foldedLines, format: format, to: file)
            if let problem = saved.problem { Console.error("flametop: \(problem)") }
            if let path = saved.path { wrote.append(path) }
            failed = failed || saved.problem != nil
        }
        if let launched = benchLaunchNanoseconds {
            // Launch → run(): the runtime's start and the argument parser, before any of ours.
            let run = runStarted.timeIntervalSince1970 * 1000 - Double(launched) / 1e6
            let first = session.firstSampleDate.map { String(cFormat: "%.1f", $0.timeIntervalSince1970 * 1000 - Double(launched) / 1e6) }
            Console.error("bench: first sample \(first ?? "none") ms after launch, run() began "
                          + String(cFormat: "%.1f ms after launch", run))
        }
        let signal = stopSignal.withLock { $0 }.map(SignalWatcher.name)
        var summary = RecordSummary(snapshot: final, outputPath: wrote.isEmpty ? nil : wrote.joined(separator: ", "),
                                    stopSignal: signal)
        summary.profileLost = wrote.isEmpty
        summary.ownCPUSeconds = CPUClock.processSeconds() // since exec: start-up and symbolizing included
        // A folded file merges stacks that print alike: the summary counts its lines.
        if files.allSatisfy({ $0.format == .folded }) { summary.stacksWritten = foldedLines.count }
        Console.error(summary.text)
        if let note = FewSamplesNote.text(for: final) { Console.error(note) }
        for module in symbolizer.statistics.unresolvedByModule(minimumShare: 0.05).prefix(5) {
            Console.error("unresolved: \(module)")
        }
        if failed { throw ExitCode(1) }
        if case .failed = final.state { throw ExitCode(1) }
    }

    /// The folded file's lines. Folded stacks show threads only as root frames, and only
    /// when asked (or in off-CPU and wall modes).
    private func foldedLines(of final: SessionSnapshot) -> [String] {
        let counts = groupsThreads(final) ? final.counts.groupedByThread() : final.counts.mergingThreads()
        return FoldedWriter(options: symbols.foldedOptions).lines(counts)
    }

    private func save(_ final: SessionSnapshot, foldedLines: [String], format: ProfileFormat,
                      to file: AtomicOutputFile) -> SavedOutput {
        switch format {
        case .folded:
            return file.save(fallbackDirectories: SavedOutput.fallbackDirectories(), fallbackName: "flametop-profile.folded") {
                for line in foldedLines { $0.write(line + "\n") }
            }
        case .pprof:
            let bytes: [UInt8]
            do {
                bytes = try ProfileExport.pprofFile(final.counts, metadata: ProfileExport.metadata(for: final))
            } catch {
                // Only a zlib failure (out of memory) gets here.
                file.discard()
                return .lost(failure: OutputFileError(path: file.path, operation: "encode the pprof profile", errno: ENOMEM,
                                                      hint: "\(error); `--format folded` writes the profile without zlib"),
                             fallbackFailures: [])
            }
            return file.save(fallbackDirectories: SavedOutput.fallbackDirectories(),
                             fallbackName: "flametop-profile.pb.gz") { $0.write(bytes) }
        }
    }

    /// Folded stacks start with their thread with --per-thread, and in off-CPU and
    /// wall modes (one profile per thread).
    private func groupsThreads(_ snapshot: SessionSnapshot) -> Bool {
        perThread || snapshot.settings.mode.rootsByThread
    }

    private func describe(_ target: SessionSettings.Target, _ session: ProfilingSession) -> String {
        switch target {
        case .process(let pid): return "PID \(pid) (\(session.target?.name ?? "?"))"
        case .allProcesses: return "all processes"
        }
    }

    private func defaultOutputPath(target: SessionSettings.Target) -> String {
        var name = "all"
        if case .process(let pid) = target {
            name = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?
                .trimmed() ?? "pid"
        }
        let safeName = name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }
        return "flametop-\(String(safeName))-\(pid.map(String.init) ?? "all")-\(LocalTimestamp.compact(secondsSince1970: Int(Date().timeIntervalSince1970))).folded"
    }
}

/// A failure already explained to the user: printed as is, exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension ProfileFormat: ExpressibleByArgument {}
