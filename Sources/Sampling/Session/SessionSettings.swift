import CProfilerABI
import Profile

/// What to profile and how; validated before any kernel object is created.
public struct SessionSettings: Sendable, Equatable {
    public enum Target: Sendable, Equatable {
        /// One process: all of its threads, including threads started later.
        case process(pid: Int32)
        /// Every process on the host; each stack is rooted at the process's `comm`.
        case allProcesses
    }

    /// How perf events are opened. Per-task events fire only while the target runs;
    /// per-CPU events fire on every CPU at the full rate and the BPF program filters.
    public enum EventScope: String, Sendable, CaseIterable {
        case automatic, perTask = "per-task", perCPU = "per-cpu"
    }

    /// How user stacks are walked. `framePointers` follows the rbp chain in the
    /// kernel (bpf_get_stack): cheap, but stops at the first frame built without
    /// frame pointers. `dwarf` copies registers and the top of the user stack to
    /// user space and unwinds it with the binaries' CFI (.eh_frame/.debug_frame).
    /// `auto` starts every process with frame pointers and moves a process to
    /// DWARF when its first stacks are incomplete (`UnwindPolicy`).
    public enum UnwindMode: String, Sendable, CaseIterable {
        case auto, framePointers = "fp", dwarf

        /// DWARF mode's BPF program copies x86-64 registers.
        public static var dwarfSupported: Bool {
            #if arch(x86_64)
            return true
            #else
            return false
            #endif
        }
    }

    public static let frequencyRange: ClosedRange<Int> = 1...1000
    public static let durationRange: ClosedRange<Int> = 1...300

    public var target: Target
    /// Samples per second per CPU (or per thread, for per-task events).
    public var frequency: Int = 99
    /// Count stacks per thread (`Stack.thread`) instead of merging every thread's: for
    /// exports that label samples by thread (pprof). Costs one entry per stack and thread.
    public var keepsThreads = false
    /// Seconds; nil samples until stopped (the TUI's "0").
    public var duration: Int? = 10
    public var userStacks = true
    public var kernelStacks = true
    /// How often the kernel maps are drained, in milliseconds.
    public var drainIntervalMilliseconds = 500
    public var eventScope: EventScope = .automatic
    /// Capacity of each counts map (unique (pid, tid, stacks) per drain interval).
    public var maxUniqueStacksPerDrain = 16_384
    /// Most entries of each stacks map (unique stacks per drain interval); a one-process
    /// session sizes its maps below this (`stackMapEntries(cpus:)`).
    public var stackMapEntries = 16_384
    /// How user stacks are walked; the TUI switches it and restarts the session.
    public var unwind: UnwindMode = .auto
    /// DWARF mode: bytes of user stack copied per sample (from the stack pointer up).
    /// Measured (scripts/bench-unwind.sh workloads, 499 Hz): the ground truth unwinds
    /// completely from 1 KB; the qsort path needs 4 KB (glibc's merge sort keeps
    /// its 2 KB buffer on the stack): 1–2 KB stop 100% of its samples, 4 KB none.
    /// 8 KB doubles that; deeper stacks end in a counted "stack copy too small" stop.
    public var stackCopyBytes = 8192
    public static let stackCopyRange: ClosedRange<Int> = 512...65536
    /// Whether a process's copy grows when its samples stop for a too-small copy
    /// (false when the size was given by hand).
    public var adaptsStackCopy = true
    public static let stacksCapacityRange: ClosedRange<Int> = 64...1_048_576
    public static let drainIntervalRange: ClosedRange<Int> = 10...5000
    /// DWARF mode: the ring buffer's size in bytes (rounded up to a power of two);
    /// nil sizes it from the rate (`ringBufferBytes(cpus:)`).
    public var ringBufferBytes: Int?

    /// The ring holds ~100 ms of full records from every CPU at the frequency:
    /// twenty times the 5 ms between two empties by the consumer thread. At 1000 Hz on
    /// 2 CPUs records of an 8 KB copy are ~9.3 KB, ~18 MB/s: 2 MB. The kernel maps
    /// the ring's data pages twice into flametop and they become resident as the
    /// ring wraps, so the size is paid twice in RSS: at 99 Hz the 256 KB floor
    /// instead of 2 MB saves ~3.5 MB.
    /// Entries of each stacks map for this session. The kernel preallocates them (1 KB each,
    /// two maps): 16,384 entries are 32 MB and 5 ms of the start. One process cannot have more
    /// unique stacks per drain than it has samples, so it gets room for 2 s of samples on every
    /// CPU (4 drains late); a system-wide session keeps the full size.
    public func stackMapEntries(cpus: Int) -> Int {
        guard case .process = target else { return stackMapEntries }
        let samples = max(frequency * max(cpus, 1) * 2, 1024)
        return min(1 << (Int.bitWidth - (samples - 1).leadingZeroBitCount), stackMapEntries)
    }

    public func ringBufferBytes(cpus: Int) -> Int {
        if let ringBufferBytes { return ringBufferBytes }
        // Sized for the default copy: a grown copy fills it faster, but the consumer
        // empties it every 5 ms, twenty times within the 100 ms it holds.
        let recordBytes = MemoryLayout<ft_unwind_sample_header>.size + stackCopyBytes
        let perSecond = frequency * max(cpus, 1) * recordBytes
        return min(max(perSecond / 10, 256 << 10), 8 << 20)
    }
    /// The session's memory budget (`MemoryBudget`): DWARF indexes, unwinding
    /// state and stacks draw on it and degrade, saying so, when it is spent.
    public var memoryLimitBytes = MemoryBudget.defaultLimitBytes
    /// Seconds of per-second stack counts kept (`TimeSlices`) so any window of
    /// them can be shown again; 0 (the default: `record` writes whole sessions)
    /// keeps none. Drawn from the budget's slices share.
    public var historySeconds = 0
    /// The live UI's default: the last 10 minutes.
    public static let defaultHistorySeconds = TimeSlices.defaultCapacity
    public static let historyRange: ClosedRange<Int> = 0...86_400
    public static let memoryLimitRange: ClosedRange<Int> = (16 << 20)...(16 << 30)

    /// What the counts measure (`ProfileMode`): on-CPU samples, off-CPU time, or both as wall time.
    public var mode: ProfileMode = .cpu
    /// Off-CPU: blocks shorter than this are counted without a stack (a total only),
    /// so a context-switch storm costs little.
    public var offCPUThresholdMicroseconds = 1000
    public static let offCPUThresholdRange: ClosedRange<Int> = 0...10_000_000

    /// Busy-polls the kernel counters after attaching until the first sample lands,
    /// to time start → first sample (`make bench`). Costs a few syscalls.
    public var measureFirstSample = false
    /// Forces fallbacks for features the kernel may lack, so tests can cover them.
    public var forcedFallbacks: Set<KernelFeature> = []

    public init(target: Target) {
        self.target = target
    }

    /// The one check of a session's settings, before any kernel object exists: the
    /// CLI, the TUI and the service all go through it.
    public func validate() throws(SamplingError) {
        func invalid(_ what: String, _ valid: String) -> SamplingError {
            SamplingError(.invalidSettings, operation: what, hint: valid)
        }
        if case .process(let pid) = target, pid <= 0 {
            throw invalid("process id \(pid)", "a process id is a positive number")
        }
        guard Self.frequencyRange.contains(frequency) else {
            throw invalid("frequency \(frequency) Hz", "choose 1–1000 Hz")
        }
        if let duration, !Self.durationRange.contains(duration) {
            throw invalid("duration \(duration) s", "choose 1–300 s")
        }
        guard userStacks || kernelStacks else {
            throw invalid("no user and no kernel stacks", "capture at least one of them")
        }
        guard Self.stackCopyRange.contains(stackCopyBytes) else {
            throw invalid("stack copy \(stackCopyBytes) bytes", "choose 512–65536 bytes")
        }
        guard Self.stacksCapacityRange.contains(maxUniqueStacksPerDrain), Self.stacksCapacityRange.contains(stackMapEntries) else {
            throw invalid("stack map sizes \(maxUniqueStacksPerDrain) and \(stackMapEntries)", "choose 64–1048576 entries")
        }
        guard Self.drainIntervalRange.contains(drainIntervalMilliseconds) else {
            throw invalid("drain interval \(drainIntervalMilliseconds) ms", "choose 10–5000 ms")
        }
        guard Self.historyRange.contains(historySeconds) else {
            throw invalid("history of \(historySeconds) s", "choose 0 (none) to 86400 s")
        }
        guard Self.memoryLimitRange.contains(memoryLimitBytes) else {
            throw invalid("memory limit \(memoryLimitBytes >> 20) MB", "choose 16 MB–16 GB")
        }
        guard Self.offCPUThresholdRange.contains(offCPUThresholdMicroseconds) else {
            throw invalid("off-CPU threshold \(offCPUThresholdMicroseconds) µs", "choose 0–10000000 µs")
        }
        if mode != .cpu && unwind != .framePointers {
            // The off-CPU program walks user stacks with frame pointers; wall mode's
            // on-CPU half must walk them the same way for the two to merge.
            throw invalid("\(unwind.rawValue) unwinding with --mode \(mode.rawValue)",
                          "off-CPU and wall profiles walk user stacks with frame pointers (--unwind fp)")
        }
        if unwind == .dwarf && !UnwindMode.dwarfSupported {
            throw invalid("DWARF unwinding", "DWARF unwinding supports x86-64 only; walk stacks with frame pointers")
        }
    }
}
