import ArgumentParser
import Profile
import Sampling

/// Options every sampling command shares (record, the TUI, later the service).
struct SamplingOptions: ParsableArguments {
    @Option(name: [.customShort("F"), .long], help: "Samples per second, 1–1000.")
    var frequency: Int = 99

    @Flag(name: .long, help: "Do not capture user-space stacks.")
    var noUserStacks = false

    @Flag(name: .long, help: "Do not capture kernel stacks.")
    var noKernelStacks = false

    @Option(name: .long, help: ArgumentHelp("Unique stacks the kernel can count between two drains.", valueName: "n"))
    var maxStacks = 16_384

    @Option(name: .long, help: ArgumentHelp("Distinct stacks each kernel stacks map holds between two drains; raise when stacks are lost to a full map.", valueName: "n"))
    var stackMapSize = 16_384

    @Option(name: .long, help: ArgumentHelp("User stack walking: auto (per process: frame pointers, DWARF for a process whose first stacks are incomplete), fp (frame pointers, in the kernel) or dwarf (copy the stack, unwind with CFI; x86-64).", valueName: "mode"))
    var unwind: String = "auto"

    @Option(name: .long, help: ArgumentHelp("DWARF unwinding: bytes of user stack copied per sample, 512–65536 (default 8192, growing by itself up to 65536 for a process whose stacks need more; a size given here stays fixed).", valueName: "bytes"))
    var stackCopy: Int?

    @Option(name: .long, help: ArgumentHelp("Memory budget in MB (16–16384): past it, DWARF indexes are left out (names from symbol tables), fewer processes' unwinding tables are kept, and the summary says so.", valueName: "MB"))
    var memoryLimit = MemoryBudget.defaultLimitBytes >> 20

    @Option(name: .long, help: .hidden)
    var drainInterval = 500

    @Option(name: .long, help: ArgumentHelp("Sampling events: per-task (one per thread of --pid, inherited by its new threads; the default for --pid) or per-cpu (one per CPU, the program keeps the target's samples: for a target that forks or switches constantly, whose short runs per-task events miss).", valueName: "scope"))
    var eventScope: String = "automatic"

    /// Comma-separated kernel features to do without (batch, pidfd), for tests.
    @Option(name: .long, help: .hidden)
    var forceFallback: String = ""

    func validate() throws {
        guard SessionSettings.frequencyRange.contains(frequency) else {
            throw ValidationError("--frequency must be between 1 and 1000 Hz (got \(frequency))")
        }
        guard noUserStacks == false || noKernelStacks == false else {
            throw ValidationError("--no-user-stacks and --no-kernel-stacks together leave nothing to sample")
        }
        guard (64...1_048_576).contains(maxStacks), (64...1_048_576).contains(stackMapSize) else {
            throw ValidationError("--max-stacks and --stack-map-size must be between 64 and 1048576")
        }
        guard (10...5000).contains(drainInterval) else {
            throw ValidationError("--drain-interval must be between 10 and 5000 ms")
        }
        guard SessionSettings.EventScope(rawValue: eventScope) != nil else {
            throw ValidationError("--event-scope must be automatic, per-task or per-cpu")
        }
        guard SessionSettings.UnwindMode(rawValue: unwind) != nil else {
            throw ValidationError("--unwind must be auto, fp or dwarf (got \(unwind))")
        }
        if unwind == "dwarf" && !SessionSettings.UnwindMode.dwarfSupported {
            throw ValidationError("--unwind dwarf supports x86-64 only; use --unwind fp or auto")
        }
        if let stackCopy, !SessionSettings.stackCopyRange.contains(stackCopy) {
            throw ValidationError("--stack-copy must be between 512 and 65536 bytes (got \(stackCopy))")
        }
        guard (16...16384).contains(memoryLimit) else {
            throw ValidationError("--memory-limit must be between 16 and 16384 MB (got \(memoryLimit))")
        }
        _ = try fallbacks()
    }

    func fallbacks() throws -> Set<KernelFeature> {
        var features = Set<KernelFeature>()
        for name in forceFallback.split(separator: ",") {
            guard let feature = KernelFeature(rawValue: String(name)) else {
                throw ValidationError("--force-fallback takes \(KernelFeature.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            features.insert(feature)
        }
        return features
    }

    func settings(target: SessionSettings.Target, duration: Int?) throws -> SessionSettings {
        var settings = SessionSettings(target: target)
        settings.frequency = frequency
        settings.duration = duration
        settings.userStacks = !noUserStacks
        settings.kernelStacks = !noKernelStacks
        settings.maxUniqueStacksPerDrain = maxStacks
        settings.stackMapEntries = stackMapSize
        settings.drainIntervalMilliseconds = drainInterval
        settings.eventScope = SessionSettings.EventScope(rawValue: eventScope) ?? .automatic
        settings.forcedFallbacks = try fallbacks()
        settings.unwind = SessionSettings.UnwindMode(rawValue: unwind) ?? .auto
        settings.memoryLimitBytes = memoryLimit << 20
        if let stackCopy {
            settings.stackCopyBytes = stackCopy
            settings.adaptsStackCopy = false
        }
        try settings.validate()
        return settings
    }
}
