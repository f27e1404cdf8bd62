import ArgumentParser
import FoundationEssentials
import Pprof
import Sampling
import Service

struct RemoteStartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start a profiling session; print its id (or, with -o, wait and save its result)."
    )

    @OptionGroup var remote: RemoteOptions

    @Option(name: .shortAndLong, help: "The process to profile on the service's host.")
    var pid: Int32

    @Option(name: .shortAndLong, help: "Seconds to sample (the service allows 1 to its max_session_duration_seconds).")
    var duration: Int = 10

    @Option(name: [.customShort("F"), .long], help: "Samples per second (1 to the service's max_frequency_hz).")
    var frequency: Int = 99

    @Option(name: .long, help: ArgumentHelp("auto, fp or dwarf (default: the service's `unwind` setting).", valueName: "mode"))
    var unwind: String?

    @Option(name: .long, help: ArgumentHelp("cpu (on-CPU samples), off (off-CPU time, counts in µs) or wall (on- plus off-CPU time per thread, in µs).", valueName: "cpu|off|wall"))
    var mode: String = "cpu"

    @Option(name: .shortAndLong, help: ArgumentHelp("Wait for the session to end and write its profile here (pprof for *.pb.gz, *.pb, *.pprof, else folded).", valueName: "path"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("folded or pprof, for -o (default: by the output's name).", valueName: "format"))
    var format: ProfileFormat?

    func validate() throws {
        if let unwind, SessionSettings.UnwindMode(rawValue: unwind) == nil {
            throw ValidationError("--unwind must be auto, fp or dwarf (got \(unwind))")
        }
        guard ProfileMode(rawValue: mode) != nil else {
            throw ValidationError("--mode must be cpu, off or wall (got \(mode))")
        }
    }

    func run() throws {
        let duration = duration, frequency = frequency, pid = pid
        let unwindMode = unwind.flatMap(SessionSettings.UnwindMode.init(rawValue:)).map(Profiler_V1_UnwindMode.init) ?? .unspecified
        let profileMode = Profiler_V1_ProfileMode(ProfileMode(rawValue: mode) ?? .cpu)
        // The output is created first so an unwritable path fails before the session starts.
        let file = try output.map(RemoteResultsCommand.openOutput)
        let started = try RemoteCommand.withClient(remote) { client in
            try await client.start(pid: pid, durationSeconds: duration, frequencyHz: frequency, unwind: unwindMode,
                                   mode: profileMode)
        }
        print(started.sessionID)
        Console.error("flametop: session \(started.sessionID): sampling PID \(started.pid) (\(started.command)) at \(started.frequencyHz) Hz for \(started.durationSeconds) s (unwind: \(RemoteResultsCommand.name(started.unwind)))")
        guard let file else { return }
        let sessionID = started.sessionID
        let wanted = RemoteResultsCommand.resultFormat(format ?? ProfileFormat.implied(byPath: file.path))
        let fetched = try RemoteCommand.withClient(remote) { client in
            try await client.results(sessionID: sessionID, timeout: .seconds(duration + 60), format: wanted)
        }
        try RemoteResultsCommand.save(fetched, to: file)
    }
}
