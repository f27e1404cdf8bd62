import ArgumentParser
import CMalloc
import Logging
import Sampling

@main
struct Flametop: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "flametop",
        abstract: "A top-like live CPU profiler: eBPF stack sampling, flame trees, folded stacks, pprof.",
        discussion: """
            Needs root (or CAP_BPF + CAP_PERFMON) and Linux 5.3+. `flametop doctor` checks this host.

            Examples:
              flametop                          # the live UI: pick a process, Enter profiles it
              flametop --pid 1234               # profile a process in the live UI at once
              flametop view app.folded          # browse a saved profile (folded or pprof: app.pb.gz)
              flametop diff before.folded after.folded   # what changed: findings vs noise
              flametop record --pid 1234 --duration 10 --frequency 99 --output app.folded
              flametop record --all --duration 5 -o box.folded
              flametop record --pid 1234 -o app.pb.gz   # pprof for go tool pprof, Parca, Pyroscope
              flametop doctor
            """,
        version: version,
        subcommands: [TopCommand.self, RecordCommand.self, ViewCommand.self, DoctorCommand.self,
                      ServeCommand.self, RemoteCommand.self, GenerateConfigCommand.self,
                      BenchDrainCommand.self, BenchSymbolizeCommand.self, BenchTimeSlicesCommand.self, DiffCommand.self],
        defaultSubcommand: TopCommand.self
    )

    static func main() {
        // One malloc arena, not eight per core: each thread that allocates (drain, unwinder,
        // ring consumer, symbol loading) would otherwise keep its own arena's freed pages
        // resident — 14 MB of a system-wide session's RSS, measured. The per-thread caches
        // still spare small allocations the lock.
        mallopt(M_ARENA_MAX, 1)
        // Blocks of a megabyte and more are mapped and unmapped on their own. Left to itself,
        // glibc raises this threshold to the largest block freed, so the transient copies a
        // large binary's symbol tables take (libelf's section data: tens of MB) would come from
        // the heap and stay resident once freed.
        mallopt(M_MMAP_THRESHOLD, 1 << 20)
        // Profiling one process (`record --pid`, `flametop --pid`) opens per-thread perf
        // events; the kernel's one slow step for those can run while arguments are parsed.
        if CommandLine.arguments.contains(where: { $0 == "--pid" || $0 == "-p" || $0.hasPrefix("--pid=") }) {
            PerfSchedulerWarmup.begin()
        }
        // Diagnostics go to stderr; stdout is for data (doctor's report, exports).
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .trace // each logger sets its own level
            return handler
        }
        if let problem = CommandLineAdvice.problem(in: Array(CommandLine.arguments.dropFirst())) {
            Console.error(problem)
            exit(withError: ExitCode(64)) // EX_USAGE, as swift-argument-parser's own usage errors
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
