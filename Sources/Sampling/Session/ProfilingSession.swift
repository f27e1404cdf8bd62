import CLibbpf
import CProfilerABI
import FoundationEssentials
import Glibc
import Profile
import Synchronization

/// One profiling session: perf events, the stack sources they feed, a drain on a
/// clock, and immutable snapshots published after each drain. What to do with a
/// drain (profile, unwinding policy, per-process table) is `SessionEngine`'s;
/// this type owns the kernel objects and the loop.
///
/// `run` blocks the calling thread (it is the only thread that touches libbpf
/// handles, except the DWARF source's ring consumer); `requestStop`,
/// `requestReset`, `requestUnwind` and `snapshot` are safe from any thread.
public final class ProfilingSession: @unchecked Sendable {
    public let settings: SessionSettings
    public let target: TargetProcess?
    /// Whether draining uses the batch map API (false when the kernel lacks it or it was forced off).
    public var usesBatchDrain: Bool { framePointers.usesBatchDrain }
    /// How the perf events were opened, after `.automatic` was resolved.
    public let eventScope: SessionSettings.EventScope
    /// When the BPF program admitted the target's first sample, by the kernel's clock
    /// (only with `settings.measureFirstSample`, once the session has ended).
    public private(set) var firstSampleDate: Date?

    private let events = PerfEventSet()
    private let framePointers: FramePointerSource
    private let engine: SessionEngine
    private let symbolizer: AddressSymbolizer
    private let wakeup: EventFD
    private let budget: MemoryBudget
    /// `auto`: the DWARF program, loading in the background from the start.
    private let pendingDwarf: PendingStackSource?
    /// `--mode off|wall`: the context-switch program.
    private let offCPU: OffCPUSource?
    private let control = Mutex(Control())
    private let published: Mutex<SessionSnapshot>
    private var generation: UInt64 = 0
    /// When freed heap pages were last handed back (`ResidentMemory.returnFreedPages`).
    private var lastTrim = ContinuousClock.now
    static let trimInterval = Duration.seconds(5)
    /// The target's CPU time (utime + stime) when sampling began, and how much it
    /// has used since, read at each drain and when sampling stops.
    private var targetCPUAtStart: Double?
    private var targetCPUUsed: Double?
    /// The rewind history the session begins with, seeded on the session's thread.
    private var seed: HistorySeed?

    private struct Control {
        var stopRequested = false
        var resetRequested = false
        var unwindRequested: UnwindPolicy.ProcessMode?
    }

    /// How often processes that left the per-process table's view are swept.
    private static let sweepInterval = Duration.seconds(5)
    /// While a process waits for its unwinding decision, drains come every half of
    /// its first 20 stacks (20–50 ms): at 999 Hz those take 20 ms, and every sample
    /// before the decision keeps its frame-pointer stack. A system-wide session
    /// does so for its first seconds only (short-lived processes would keep it
    /// fast forever).
    static func decisionDrainInterval(frequency: Int) -> Duration {
        let half = Double(UnwindPolicy.decisionStacks) / 2 / Double(max(frequency, 1))
        return .milliseconds(Int(min(max(half, 0.020), 0.050) * 1000))
    }
    private static let systemWideDecisionWindow = Duration.seconds(2)
    private static let bytesPerUniqueStack = 1200

    /// Validates the settings, the target and privileges, loads the program and
    /// opens the events (disabled until `run`). Throws with a reason and a hint.
    /// `seed`: the target's rewind history (`RawHistoryRing.takeSeed`), which becomes the
    /// low-rate seconds before the session's own when it keeps history (`historySeconds`)
    /// and counts CPU samples; ignored otherwise.
    public init(settings: SessionSettings, symbolizer: AddressSymbolizer, seed: HistorySeed? = nil) throws(SamplingError) {
        try settings.validate()
        self.settings = settings
        self.symbolizer = symbolizer
        if case .process(let pid) = settings.target, settings.mode == .cpu, seed?.pid == pid { self.seed = seed }
        let budget = MemoryBudget(limitBytes: settings.memoryLimitBytes)
        self.budget = budget
        symbolizer.useMemoryBudget(budget)

        let targetTGID: UInt32
        switch settings.target {
        case .process(let pid):
            target = try TargetProcess(pid: pid, usePidfd: !settings.forcedFallbacks.contains(.pidfd))
            targetTGID = UInt32(bitPattern: pid)
            eventScope = settings.eventScope == .perCPU ? .perCPU : .perTask
        case .allProcesses:
            target = nil
            targetTGID = 0
            eventScope = .perCPU
        }
        try Capabilities.current().requireProfiling()
        if settings.kernelStacks { symbolizer.preloadKernelSymbols() }

        let frequency = settings.frequency
        let perTaskPID = eventScope == .perTask ? target?.pid : nil
        let samplesCPU = settings.mode.samplesCPU
        let opener = PerfEventOpener(events) { (events) throws(SamplingError) in
            guard samplesCPU else { return } // --mode off: context switches only, no cpu-clock events
            if let perTaskPID {
                try events.openPerTask(pid: perTaskPID, frequency: frequency)
            } else {
                try events.openPerCPU(frequency: frequency)
            }
        }
        let policy = UnwindPolicy(setting: settings.unwind, defaultStackCopy: settings.stackCopyBytes,
                                  adaptsStackCopy: settings.adaptsStackCopy)
        let rootByProcess = target == nil
        // The opener thread must be done with the events before an error leaves init.
        let sampler: BPFSampler
        let firstSources: [StackSource]
        do {
            sampler = try BPFSampler(configuration: .init(
                targetTGID: targetTGID, userStacks: settings.userStacks, kernelStacks: settings.kernelStacks,
                countsCapacity: settings.maxUniqueStacksPerDrain,
                stackMapEntries: settings.stackMapEntries(cpus: OnlineCPUs.list().count),
                defaultMode: policy.defaultMode))
            framePointers = FramePointerSource(sampler: sampler, symbolizer: symbolizer, rootByProcess: rootByProcess,
                                               marksIncompleteStacks: settings.unwind == .auto,
                                               allowBatch: !settings.forcedFallbacks.contains(.batchMapOps),
                                               keepsThreads: settings.keepsThreads || settings.mode.rootsByThread)
            var sources: [StackSource] = []
            switch settings.mode {
            case .cpu: sources.append(framePointers)
            case .wall: sources.append(WeightedStackSource(framePointers, frequency: settings.frequency))
            case .off: break
            }
            // --unwind dwarf: every process starts on DWARF, so it must load now.
            if settings.unwind == .dwarf {
                sources.append(try Self.loadDwarf(settings: settings, targetTGID: targetTGID, sampler: sampler,
                                                  symbolizer: symbolizer, rootByProcess: rootByProcess, budget: budget))
            }
            if settings.mode.timesBlocks {
                let source = try Self.loadOffCPU(settings: settings, targetTGID: targetTGID, symbolizer: symbolizer,
                                                 rootByProcess: rootByProcess)
                sources.append(source)
                offCPU = source
            } else {
                offCPU = nil
            }
            firstSources = sources
            wakeup = try EventFD()
        } catch {
            try? opener.wait()
            throw error
        }
        try opener.wait()
        // Off-CPU and wall profiles walk user stacks with frame pointers only (validate()).
        let dwarfPossible = settings.mode == .cpu && settings.userStacks && SessionSettings.UnwindMode.dwarfSupported
        let load = { () throws(SamplingError) -> StackSource in
            try Self.loadDwarf(settings: settings, targetTGID: targetTGID, sampler: sampler,
                               symbolizer: symbolizer, rootByProcess: rootByProcess, budget: budget)
        }
        // Under auto a system-wide session meets a process without frame pointers
        // at once (most of libc has none): have the program ready before the first
        // decision. One process needs it only if its decision says so; the load
        // then takes milliseconds, and a program loaded in advance would keep its
        // ring (100 ms of copies, 4 MB at 999 Hz) resident for nothing.
        let pending = dwarfPossible && settings.unwind == .auto && target == nil ? PendingStackSource(load: load) : nil
        pendingDwarf = pending
        var loadDwarf: (() throws(SamplingError) -> StackSource)?
        if let pending {
            loadDwarf = { () throws(SamplingError) -> StackSource in try pending.take() }
        } else if dwarfPossible {
            loadDwarf = load
        }
        engine = SessionEngine(
            sources: firstSources, table: KernelProcessUnwindTable(fd: sampler.processTableFD), policy: policy,
            dwarfLoaded: settings.unwind == .dwarf, loadDwarf: loadDwarf, historySeconds: settings.historySeconds,
            maxUniqueStacks: budget.usage(.stacks).limit / Self.bytesPerUniqueStack)
        try sampler.attach(to: events)
        try offCPU?.sampler.attach()
        if let target { symbolizer.prepare(pid: target.pid) }

        published = Mutex(SessionSnapshot(
            settings: settings, counts: StackCounts(), statistics: SamplingStatistics(), state: .running,
            startedAt: Date(), elapsed: 0, targetName: target?.name ?? "all", generation: 0))
        published.withLock { $0.unwind = unwindInUse }
    }

    /// The latest published snapshot.
    public func snapshot() -> SessionSnapshot {
        published.withLock { $0 }
    }

    /// Asks `run` to stop after a final drain. Safe from any thread (and the way a
    /// signal-watching thread ends a session).
    public func requestStop() {
        control.withLock { $0.stopRequested = true }
        wakeup.signal()
    }

    /// Asks `run` to discard what was collected so far at its next drain.
    public func requestReset() {
        control.withLock { $0.resetRequested = true }
        wakeup.signal()
    }

    /// Asks `run` to walk the target's stacks with `mode` from its next drain on
    /// (one-process sessions; the profile so far is kept).
    public func requestUnwind(_ mode: SessionSettings.UnwindMode) {
        let processMode: UnwindPolicy.ProcessMode = mode == .dwarf
            ? .dwarf(stackBytes: settings.stackCopyBytes) : .framePointers
        control.withLock { $0.unwindRequested = processMode }
        wakeup.signal()
    }

    /// Samples until the duration elapses, `requestStop` is called, or the target
    /// exits; drains every `drainIntervalMilliseconds` and calls `onDrain` with
    /// each new snapshot (on this thread). Returns the final snapshot.
    @discardableResult
    public func run(onDrain: (SessionSnapshot) -> Void = { _ in }) -> SessionSnapshot {
        let clock = ContinuousClock()
        let start = clock.now
        let startDate = Date()
        let deadline = settings.duration.map { start + .seconds($0) }
        let interval = Duration.milliseconds(max(settings.drainIntervalMilliseconds, 10))
        var state = SessionSnapshot.State.running

        do {
            try events.enableAll()
        } catch {
            return finish(state: .failed(error.description), startDate: startDate, elapsed: 0)
        }
        targetCPUAtStart = target.flatMap { ProcessStatLine.read(pid: $0.pid)?.cpuSeconds }
        if let seed { // symbolized while sampling runs: the process is alive, its maps are the ones sampled
            engine.seed(seed, symbolizer: symbolizer, settings: settings)
            self.seed = nil
            onDrain(publish(state: .running, startDate: startDate, elapsed: (clock.now - start).seconds))
        }

        var nextDrain = start + drainInterval(interval, since: start, clock: clock)
        var nextSweep = start + Self.sweepInterval
        while state == .running {
            let wakeAt = deadline.map { min($0, nextDrain) } ?? nextDrain
            let event = wait(until: wakeAt, clock: clock)
            let requests = control.withLock { control in
                defer { control.unwindRequested = nil }
                return (stop: control.stopRequested, unwind: control.unwindRequested)
            }
            if requests.stop {
                state = .stopped
            } else if event == .targetExited || (target.map { $0.exitFD < 0 && $0.hasExited } ?? false) {
                state = .targetExited
            } else if let deadline, clock.now >= deadline {
                state = .finished
            }
            if let mode = requests.unwind, let pid = target?.pid {
                engine.request(mode, for: pid)
            }
            if state == .running && clock.now < nextDrain && requests.unwind == nil { continue }
            // The end: the final drain below, after the events stop, takes what is left.
            if state != .running { break }
            nextDrain = clock.now + drainInterval(interval, since: start, clock: clock)
            let reset = control.withLock { control in
                defer { control.resetRequested = false }
                return state == .running && control.resetRequested
            }
            do {
                if reset { try engine.reset() } else { try engine.drain() }
            } catch {
                state = .failed(error.description)
            }
            if target == nil, clock.now >= nextSweep {
                nextSweep = clock.now + Self.sweepInterval
                engine.sweep { kill($0, 0) == 0 || errno != ESRCH }
            }
            if state == .running {
                onDrain(publish(state: .running, startDate: startDate, elapsed: (clock.now - start).seconds))
            }
        }
        events.disableAll()
        noteTargetCPU()
        // What sampling covered, measured: a drain that fell behind on a starved host
        // makes it longer than the duration asked, and the profile holds all of it.
        let elapsed = (clock.now - start).seconds
        // Samples may still sit in the buffers the programs wrote last: drain them too.
        engine.close()
        if case .failed = state {} else { try? engine.drain(final: true) }
        return finish(state: state, startDate: startDate, elapsed: elapsed)
    }

    private func drainInterval(_ interval: Duration, since start: ContinuousClock.Instant, clock: ContinuousClock) -> Duration {
        let decisionInterval = Self.decisionDrainInterval(frequency: settings.frequency)
        guard settings.unwind == .auto, interval > decisionInterval else { return interval }
        let deciding: Bool
        if let pid = target?.pid {
            deciding = engine.policy.isUndecided(pid)
        } else {
            // Every process is new at the start; later, only the undecided ones count.
            deciding = clock.now - start < Self.systemWideDecisionWindow
                && (engine.statistics.drains < 2 || engine.policy.hasUndecidedProcesses)
        }
        return deciding ? decisionInterval : interval
    }

    private func finish(state: SessionSnapshot.State, startDate: Date, elapsed: Double) -> SessionSnapshot {
        events.closeAll()
        if settings.measureFirstSample { firstSampleDate = framePointers.firstSampleDate() }
        engine.close()
        pendingDwarf?.discard()
        if let target {
            symbolizer.forget(pid: target.pid)
        }
        return publish(state: state, startDate: startDate, elapsed: elapsed)
    }

    private enum WaitEvent { case timeout, wakeup, targetExited }

    private func wait(until instant: ContinuousClock.Instant, clock: ContinuousClock) -> WaitEvent {
        let remaining = instant - clock.now
        let milliseconds = max(0, Int32(clamping: Int64((remaining.seconds * 1000).rounded(.up))))
        var fds = [pollfd(fd: wakeup.fd, events: Int16(POLLIN), revents: 0)]
        if let exitFD = target?.exitFD, exitFD >= 0 {
            fds.append(pollfd(fd: exitFD, events: Int16(POLLIN), revents: 0))
        }
        let ready = poll(&fds, nfds_t(fds.count), milliseconds)
        guard ready > 0 else { return .timeout }
        if fds[0].revents != 0 {
            wakeup.drain()
            return .wakeup
        }
        return fds.count > 1 && fds[1].revents != 0 ? .targetExited : .timeout
    }

    /// Task entries the off-CPU program keeps: a process's threads, or every thread system-wide.
    private static let offCPUTaskEntries = (process: 8192, allProcesses: 65536)

    private static func loadOffCPU(settings: SessionSettings, targetTGID: UInt32, symbolizer: AddressSymbolizer,
                                   rootByProcess: Bool) throws(SamplingError) -> OffCPUSource {
        let sampler = try OffCPUSampler(configuration: .init(
            targetTGID: targetTGID, userStacks: settings.userStacks, kernelStacks: settings.kernelStacks,
            thresholdNanoseconds: UInt64(settings.offCPUThresholdMicroseconds) * 1000,
            // Off-CPU stacks come per context switch, not per tick: the full size.
            countsCapacity: settings.maxUniqueStacksPerDrain, stackMapEntries: settings.stackMapEntries,
            taskEntries: targetTGID == 0 ? offCPUTaskEntries.allProcesses : offCPUTaskEntries.process))
        return OffCPUSource(sampler: sampler, symbolizer: symbolizer, rootByProcess: rootByProcess,
                            targetPID: targetTGID == 0 ? nil : Int32(bitPattern: targetTGID),
                            thresholdNanoseconds: UInt64(settings.offCPUThresholdMicroseconds) * 1000,
                            allowBatch: !settings.forcedFallbacks.contains(.batchMapOps))
    }

    private static func loadDwarf(settings: SessionSettings, targetTGID: UInt32, sampler: BPFSampler,
                                  symbolizer: AddressSymbolizer, rootByProcess: Bool,
                                  budget: MemoryBudget) throws(SamplingError) -> StackSource {
        let dwarfSampler = try DwarfSampler(configuration: .init(
            targetTGID: targetTGID, userStacks: settings.userStacks, kernelStacks: settings.kernelStacks,
            stackBytes: settings.stackCopyBytes,
            ringBytes: settings.ringBufferBytes(cpus: OnlineCPUs.list().count),
            processTableFD: sampler.processTableFD))
        let source = try DwarfSource(sampler: dwarfSampler, symbolizer: symbolizer, rootByProcess: rootByProcess,
                                     budget: budget, keepsThreads: settings.keepsThreads)
        try sampler.installDwarfProgram(fd: dwarfSampler.programFD)
        return source
    }

    /// The mode the target's stacks are walked with now; `auto` while undecided
    /// (and for system-wide sessions under auto, where each process has its own).
    private var unwindInUse: SessionSettings.UnwindMode {
        guard let pid = target?.pid else { return settings.unwind }
        if engine.policy.isUndecided(pid) { return .auto }
        if case .dwarf = engine.policy.mode(of: pid) { return .dwarf }
        return .framePointers
    }

    private func noteTargetCPU() {
        guard let pid = target?.pid, let start = targetCPUAtStart, let now = ProcessStatLine.read(pid: pid)?.cpuSeconds else { return }
        targetCPUUsed = max(0, now - start)
    }

    private func publish(state: SessionSnapshot.State, startDate: Date, elapsed: Double) -> SessionSnapshot {
        generation += 1
        if state == .running { noteTargetCPU() }
        var snapshot = SessionSnapshot(
            settings: settings, counts: engine.profile, statistics: engine.statistics, state: state,
            startedAt: startDate, elapsed: elapsed, targetName: target?.name ?? "all", generation: generation)
        snapshot.unresolvedModules = symbolizer.unresolvedModules()
        snapshot.unwind = unwindInUse
        snapshot.unwindDecisions = engine.decisions
        snapshot.newUnwindDecisions = engine.lastDecisions
        snapshot.dwarfUnavailable = engine.dwarfError
        // ~1.2 KB per unique stack: measured with a generated many-stacks workload (issue 14).
        budget.set(engine.profile.uniqueStacks * Self.bytesPerUniqueStack, for: .stacks)
        budget.set(engine.slices?.estimatedBytes ?? 0, for: .slices)
        snapshot.slices = engine.slices
        snapshot.targetCPUSeconds = targetCPUUsed
        if ContinuousClock.now - lastTrim >= Self.trimInterval {
            ResidentMemory.returnFreedPages()
            lastTrim = .now
        }
        if let resident = ResidentMemory.bytes() { budget.noteResident(resident) }
        snapshot.memory = MemoryReport(budget)
        if let pid = target?.pid, case .dwarf(let bytes) = engine.policy.mode(of: pid) { snapshot.stackCopyBytes = bytes }
        published.withLock { $0 = snapshot }
        return snapshot
    }
}
