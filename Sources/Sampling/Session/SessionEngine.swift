import FoundationEssentials
import Profile

/// The part of a session that turns drains into a profile: it drains every
/// source, adds what they produced, feeds what they observed to the unwinding
/// policy, and applies the policy's decisions to the kernel's per-process table
/// (loading the DWARF source the first time a process needs it). No timers, no
/// perf events: `ProfilingSession` runs the loop, tests drive this directly with
/// an `EmbeddedStackSource`.
///
/// Confined to the session's thread.
final class SessionEngine {
    private(set) var profile = StackCounts()
    private(set) var statistics = SamplingStatistics()
    private(set) var policy: UnwindPolicy
    private(set) var decisions = UnwindDecisionLog()
    /// Why DWARF could not be loaded, once it was needed and failed.
    private(set) var dwarfError: SamplingError?
    /// The counts the last drain added (for time slices).
    private(set) var lastDrain = StackCounts()
    /// The decisions the last drain (or request) made.
    private(set) var lastDecisions: [UnwindDecision] = []
    /// Every drain's counts by the second it covered (seconds since the engine
    /// began), so a window can be shown again; nil when no history is kept.
    private(set) var slices: TimeSlices?
    private let began = ContinuousClock.now
    private var lastDrainEnd: Double = 0
    private var previousDrainStart: ContinuousClock.Instant?
    /// Bounds the profile's unique stacks (the budget's stacks share); nil: unbounded.
    private(set) var stackBudget: StackBudget?

    private var sources: [StackSource]
    private let table: ProcessUnwindTable?
    private let loadDwarf: (() throws(SamplingError) -> StackSource)?
    private var dwarfLoaded: Bool

    init(sources: [StackSource], table: ProcessUnwindTable?, policy: UnwindPolicy,
         dwarfLoaded: Bool, loadDwarf: (() throws(SamplingError) -> StackSource)?, historySeconds: Int = 0,
         maxUniqueStacks: Int? = nil) {
        slices = historySeconds > 0 ? TimeSlices(capacity: historySeconds) : nil
        stackBudget = maxUniqueStacks.map(StackBudget.init(maxStacks:))
        self.sources = sources
        self.table = table
        self.policy = policy
        self.dwarfLoaded = dwarfLoaded
        self.loadDwarf = loadDwarf
    }

    var dwarfIsLoaded: Bool { dwarfLoaded }

    /// How long one drain symbolizes before it leaves the rest to the next.
    static let symbolizingSlice = Duration.milliseconds(200)

    /// One drain of every source, then the decisions it led to. `final`: the
    /// session ends, everything is symbolized.
    func drain(final: Bool = false) throws(SamplingError) {
        let started = ContinuousClock.now
        // From one drain's start to the next: a starved host (or a drain that took
        // seconds) stretches it far past the interval. The final drain's own time
        // (it symbolizes everything at once) is not in it.
        if let previous = previousDrainStart {
            let gap = UInt64((started - previous).seconds * 1_000_000)
            statistics.longestDrainGapMicroseconds = max(statistics.longestDrainGapMicroseconds, gap)
        }
        previousDrainStart = started
        lastDecisions.removeAll()
        var output = DrainOutput()
        let priority = DrainPriority(first: { [policy] pid in policy.isUndecided(pid) },
                                     afterFirst: { [self] partial in decide(&partial) },
                                     symbolizeFor: final ? nil : Self.symbolizingSlice)
        for source in sources { try source.drain(into: &output, statistics: &statistics, priority: priority) }
        statistics.samplesCounted = statistics.framePointerSamples + statistics.dwarfSamples
        if stackBudget != nil {
            lastDrain = stackBudget!.merge(output.counts, into: &profile)
            statistics.stackBudgetCut = stackBudget!.cutSamples
        } else {
            profile.merge(output.counts)
            lastDrain = output.counts
        }
        let now = (ContinuousClock.now - began).seconds
        slices?.record(lastDrain, drainedOver: lastDrainEnd..<max(now, lastDrainEnd))
        lastDrainEnd = now
        decide(&output)
        statistics.drains += 1
        statistics.lastDrainMicroseconds = UInt64((ContinuousClock.now - started).seconds * 1_000_000)

    }

    /// Seeds the time slices with a process's rewind history: the low-rate seconds before
    /// the engine began (`HistorySeeder`). Returns the samples seeded (none without history).
    @discardableResult
    func seed(_ seed: HistorySeed, symbolizer: AddressSymbolizer, settings: SessionSettings) -> UInt64 {
        guard slices != nil else { return 0 }
        // The frame-pointer source's assembly: the same symbols and loss markers.
        let assembler = StackAssembler(symbolizer: symbolizer, rootByProcess: false,
                                       marksIncompleteStacks: settings.unwind == .auto, keepsThreads: settings.keepsThreads)
        return HistorySeeder.seed(seed, into: &slices!, sessionStart: HistoryClock.seconds(at: began), assembler: assembler)
    }

    /// Feeds the observations in `output` to the policy and applies its decisions;
    /// consumed observations are removed, so a second call sees only new ones.
    private func decide(_ output: inout DrainOutput) {
        for (pid, seen) in output.framePointer.sorted(by: { $0.key < $1.key }) {
            if let decision = policy.observeFramePointerStacks(pid: pid, stacks: seen.stacks, incomplete: seen.incomplete) {
                apply(decision)
            }
        }
        for (pid, seen) in output.dwarf.sorted(by: { $0.key < $1.key }) {
            if let decision = policy.observeDwarfSamples(pid: pid, samples: seen.samples, copyTooSmall: seen.copyTooSmall) {
                apply(decision)
            }
        }
        output.framePointer.removeAll()
        output.dwarf.removeAll()
    }

    /// A person asked for `mode` for `pid` (the TUI's `w`). Returns the error when
    /// DWARF was asked for and cannot be loaded.
    @discardableResult
    func request(_ mode: UnwindPolicy.ProcessMode, for pid: Int32) -> SamplingError? {
        if case .dwarf = mode, !ensureDwarf() { return dwarfError }
        let decision = policy.request(mode, for: pid)
        _ = table?.set(mode, for: pid)
        decisions.record(decision)
        return nil
    }

    /// Discards the profile and the counters; decisions stay.
    func reset() throws(SamplingError) {
        for source in sources { try source.reset() }
        profile = StackCounts()
        lastDrain = StackCounts()
        if let slices { self.slices = TimeSlices(capacity: slices.capacity) }
        if let stackBudget { self.stackBudget = StackBudget(maxStacks: stackBudget.maxStacks) }
        let drains = statistics.drains
        statistics = SamplingStatistics()
        statistics.drains = drains
    }

    /// Processes that exited lose their table entry and what the sources keep.
    func sweep(isAlive: (Int32) -> Bool) {
        for pid in policy.processesOffDefault where !isAlive(pid) {
            table?.remove(pid: pid)
            policy.forget(pid: pid)
            for source in sources { source.forget(pid: pid) }
        }
    }

    func close() {
        for source in sources { source.close() }
    }

    private func apply(_ decision: UnwindDecision) {
        var decision = decision
        switch decision {
        case .dwarf(let pid, let stacks, let incomplete):
            if !ensureDwarf() || table?.set(policy.mode(of: pid), for: pid) == false {
                policy.dwarfAvailable = dwarfLoaded
                _ = policy.request(.framePointers, for: pid)
                decision = .dwarfUnavailable(pid: pid, stacks: stacks, incomplete: incomplete)
            }
        case .stackCopyGrown(let pid, _, let to):
            _ = table?.set(.dwarf(stackBytes: to), for: pid)
        case .framePointers, .dwarfUnavailable, .requested:
            break
        }
        decisions.record(decision)
        lastDecisions.append(decision)
    }

    /// Loads the DWARF source once; false (with `dwarfError` set) when it cannot be.
    private func ensureDwarf() -> Bool {
        if dwarfLoaded { return true }
        guard dwarfError == nil, let loadDwarf else { return false }
        do {
            sources.append(try loadDwarf())
            dwarfLoaded = true
        } catch {
            dwarfError = error
            policy.dwarfAvailable = false
        }
        return dwarfLoaded
    }
}
