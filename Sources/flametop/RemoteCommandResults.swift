import ArgumentParser
import FoundationEssentials
import PlatformSupport
import Pprof
import Sampling
import Service

struct RemoteResultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results",
        abstract: "Fetch a session's folded stacks (or pprof) into a file.",
        discussion: """
            While the session still samples, the call waits for it to end (up to --timeout). \
            The file is exactly what `flametop record` writes in the same format (folded, or \
            gzipped pprof with --format pprof or an output named *.pb.gz, *.pb, *.pprof); it is \
            written under a temporary name and renamed when the transfer is complete. \
            --trigger RULE fetches the newest session a [[trigger]] rule of the service started \
            (as `remote status` lists them) instead of naming one with --session.
            """
    )

    @OptionGroup var remote: RemoteOptions

    @Option(name: .long, help: "The session id StartProfiling returned (or `remote status` lists).")
    var session: String?

    @Option(name: .long, help: ArgumentHelp("The newest session this [[trigger]] rule started, instead of --session.", valueName: "rule"))
    var trigger: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the profile.", valueName: "path"))
    var output: String

    @Option(name: .long, help: ArgumentHelp("folded or pprof (default: pprof for an output named *.pb.gz, *.pb or *.pprof, else folded).", valueName: "format"))
    var format: ProfileFormat?

    @Option(name: .long, help: "Seconds to wait for a session that still samples, and for the transfer.")
    var timeout: Int = 360

    func validate() throws {
        guard timeout >= 1 else { throw ValidationError("--timeout must be at least 1 second") }
        guard (session == nil) != (trigger == nil) else {
            throw ValidationError("name the session: --session ID, or --trigger RULE for the newest session a trigger rule started")
        }
    }

    func run() throws {
        let file = try Self.openOutput(output)
        let session = session, trigger = trigger, timeout = timeout
        let wanted = Self.resultFormat(format ?? ProfileFormat.implied(byPath: output))
        let fetched = try RemoteCommand.withClient(remote) { client in
            var id = session ?? ""
            if let trigger {
                let sessions = try await client.status().sessions
                guard let newest = sessions.last(where: { $0.hasTrigger && $0.trigger.rule == trigger }) else {
                    let rules = Set(sessions.filter(\.hasTrigger).map(\.trigger.rule)).sorted()
                    throw ClientError("no session held was started by trigger \"\(trigger)\""
                        + (rules.isEmpty ? " (no trigger has started one that is still kept)"
                           : " (held sessions were started by: \(rules.joined(separator: ", ")))"))
                }
                id = newest.sessionID
            }
            return try await client.results(sessionID: id, timeout: .seconds(timeout), format: wanted)
        }
        try Self.save(fetched, to: file)
    }

    /// The mode as `--unwind` spells it.
    static func name(_ mode: Profiler_V1_UnwindMode) -> String {
        mode.settingsMode?.rawValue ?? "unspecified"
    }

    static func resultFormat(_ format: ProfileFormat) -> Profiler_V1_ResultFormat {
        format == .pprof ? .pprof : .folded
    }

    static func openOutput(_ path: String) throws -> AtomicOutputFile {
        do {
            return try AtomicOutputFile(path: path)
        } catch {
            throw CommandFailure(error.description)
        }
    }

    /// Writes the file and a summary of what it holds to stderr.
    static func save(_ fetched: FetchedResult, to file: AtomicOutputFile) throws {
        file.write(fetched.bytes)
        do {
            try file.commit()
        } catch {
            throw CommandFailure(error.description)
        }
        let meta = fetched.metadata
        Console.error("""
            flametop: wrote \(file.path): PID \(meta.pid) (\(meta.command)), \(String(cFormat: "%.1f", meta.durationSeconds)) s \
            at \(meta.frequencyHz) Hz (unwind: \(Self.name(meta.unwind))), \(meta.sampleCount) \(meta.countUnit.isEmpty ? "samples" : meta.countUnit), \(meta.uniqueStacks) unique stacks \
            (\(meta.format == .pprof ? "pprof, " : "")\(meta.totalBytes) bytes in \(meta.totalChunks) chunks)
            ended: \(meta.endReason)
            """)
        if meta.hasTrigger {
            let cause = meta.trigger
            Console.error("triggered by \(cause.rule): PID \(cause.pid) (\(cause.command)) at "
                + String(cFormat: "%.0f%% CPU for %.0f s", cause.cpuPercent, cause.hotSeconds))
        }
        if meta.hasPreTrigger {
            let part = meta.preTrigger
            Console.error("""
                begins \(part.seconds) s before the trigger: \(part.samples) samples at \(part.frequencyHz) Hz from the \
                trigger history; counts are CPU microseconds (both rates weighted by their periods)
                """)
        }
        let counters = meta.losses
        let losses = [
            ("samples dropped: counts map full", counters.samplesDroppedMapFull),
            ("user stack map full", counters.userStackMapFull),
            ("user stack unreadable", counters.userStackUnreadable), ("user stack other errors", counters.userStackOtherErrors),
            ("kernel stack map full", counters.kernelStackMapFull),
            ("kernel stack unreadable", counters.kernelStackUnreadable),
            ("kernel stack other errors", counters.kernelStackOtherErrors),
            ("stacks missing at drain", counters.stacksMissingAtDrain),
            ("samples dropped: ring buffer full", counters.samplesDroppedRingFull),
            ("unwind stopped: stack copy too small", counters.unwindStackCopyTooSmall),
            ("unwind stopped: no CFI", counters.unwindNoCfi), ("unwind stopped: unmapped", counters.unwindUnmapped),
            ("unwind stopped: depth limit", counters.unwindDepthLimit),
            ("samples dropped: DWARF unwinder too far behind", counters.samplesDroppedUnwindQueueFull),
            ("unwind skipped: DWARF unwinder behind", counters.unwindSkippedBehind),
            ("unwind skipped: DWARF tables over the memory budget", counters.unwindOverBudget),
            ("stack budget exceeded", counters.stackBudgetExceeded),
        ].filter { $0.1 > 0 }.map { "\($0.0): \($0.1)" }
        Console.error(losses.isEmpty ? "losses: none" : "losses: " + losses.joined(separator: ", "))
    }
}
