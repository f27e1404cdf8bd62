import CLibbpf
import CProfilerABI
import Foundation
import Profile
import Synchronization

/// One profiling session: BPF sampler + perf events + periodic drain +
/// symbolization into a growing profile, published as immutable snapshots.
///
/// `run` blocks the calling thread (it is the only thread that touches libbpf
/// handles); `requestStop`, `requestReset` and `snapshot` are safe from any thread.
public final class ProfilingSession: @unchecked Sendable {
    public let settings: SessionSettings
    public let target: TargetProcess?
    /// Whether draining uses the batch map API (false when the kernel lacks it or it was forced off).
    public var usesBatchDrain: Bool { drainer.usesBatch }
    /// How the perf events were opened, after `.automatic` was resolved.
    public let eventScope: SessionSettings.EventScope
    /// When the first sample was counted (only with `settings.measureFirstSample`).
    public private(set) var firstSampleDate: Date?

    /// Frame-pointer mode's program and maps; nil in DWARF mode.
    private var sampler: BPFSampler?
    /// DWARF mode's program, ring buffer and unwinder; nil in frame-pointer mode.
    private var dwarfSampler: DwarfSampler?
    private var dwarfCollector: DwarfStackCollector?
    private let targetTGID: UInt32
    private let events = PerfEventSet()
    private let drainer: CountsDrainer
    private let assembler: StackAssembler
    private let symbolizer: AddressSymbolizer
    private let wakeup: EventFD
    private let control = Mutex(Control())
    private let published: Mutex<SessionSnapshot>

    // Confined to the thread in `run`.
    private var activeBuffer = 0
    private var profile = StackCounts()
    private var statistics = SamplingStatistics()
    private var counterBase = [UInt64](repeating: 0, count: Int(FT_COUNTER_COUNT.rawValue))
    private var dwarfCounterBase = [UInt64](repeating: 0, count: Int(FT_UNWIND_COUNTER_COUNT.rawValue))
    private var generation: UInt64 = 0
    /// The mode sampling uses now, and whether `auto` has still to decide.
    private var unwindInUse: SessionSettings.UnwindMode
    private var autoUnwindPending: Bool
    private var unwindDecision: String?

    private struct Control {
        var stopRequested = false
        var resetRequested = false
    }

    /// Validates the target and privileges, loads the program and opens the
    /// events (disabled until `run`). Throws with a reason and a hint.
    public init(settings: SessionSettings, symbolizer: AddressSymbolizer) throws(SamplingError) {
        guard SessionSettings.frequencyRange.contains(settings.frequency) else {
            throw SamplingError(.invalidSettings, operation: "frequency \(settings.frequency) Hz",
                                hint: "choose 1–1000 Hz")
        }
        if let duration = settings.duration, duration < 1 {
            throw SamplingError(.invalidSettings, operation: "duration \(duration) s", hint: "choose at least 1 s")
        }
        guard SessionSettings.stackCopyRange.contains(settings.stackCopyBytes) else {
            throw SamplingError(.invalidSettings, operation: "stack copy \(settings.stackCopyBytes) bytes",
                                hint: "choose 512–65536 bytes")
        }
        if settings.unwind == .dwarf && !SessionSettings.UnwindMode.dwarfSupported {
            throw SamplingError(.invalidSettings, operation: "--unwind dwarf",
                                hint: "DWARF unwinding supports x86-64 only; use --unwind fp")
        }
        self.settings = settings
        self.symbolizer = symbolizer

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
        self.targetTGID = targetTGID

        let frequency = settings.frequency
        let perTaskPID = eventScope == .perTask ? target?.pid : nil
        let opener = PerfEventOpener(events) { (events) throws(SamplingError) in
            if let perTaskPID {
                try events.openPerTask(pid: perTaskPID, frequency: frequency)
            } else {
                try events.openPerCPU(frequency: frequency)
            }
        }
        // The opener thread must be done with the events before an error leaves init.
        do {
            switch settings.unwind {
            case .framePointers, .auto:
                sampler = try BPFSampler(configuration: .init(
                    targetTGID: targetTGID, userStacks: settings.userStacks, kernelStacks: settings.kernelStacks,
                    countsCapacity: settings.maxUniqueStacksPerDrain, stackMapEntries: settings.stackMapEntries))
                unwindInUse = .framePointers
            case .dwarf:
                (dwarfSampler, dwarfCollector) = try Self.makeDwarfSampler(
                    settings: settings, targetTGID: targetTGID, rootByProcess: target == nil, symbolizer: symbolizer)
                unwindInUse = .dwarf
            }
            wakeup = try EventFD()
        } catch {
            try? opener.wait()
            throw error
        }
        try opener.wait()
        autoUnwindPending = settings.unwind == .auto && settings.userStacks
        if settings.unwind == .auto && !SessionSettings.UnwindMode.dwarfSupported {
            autoUnwindPending = false
            unwindDecision = "auto: frame pointers (DWARF unwinding supports x86-64 only)"
        }
        drainer = CountsDrainer(capacity: 4096, allowBatch: !settings.forcedFallbacks.contains(.batchMapOps))
        assembler = StackAssembler(symbolizer: symbolizer, rootByProcess: target == nil)
        try sampler?.attach(to: events)
        try dwarfSampler?.attach(to: events)
        if let target { symbolizer.prepare(pid: target.pid) }

        var initial = SessionSnapshot(
            settings: settings, counts: StackCounts(), statistics: SamplingStatistics(), state: .running,
            startedAt: Date(), elapsed: 0, targetName: target?.name ?? "all", generation: 0)
        initial.unwind = autoUnwindPending ? .auto : unwindInUse
        initial.unwindDecision = unwindDecision
        published = Mutex(initial)
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
        if settings.measureFirstSample { waitForFirstSample() }

        var nextDrain = start + interval
        while state == .running {
            var wakeAt = deadline.map { min($0, nextDrain) } ?? nextDrain
            // DWARF mode: the program never wakes us (BPF_RB_NO_WAKEUP), so empty
            // the ring buffer on a short clock of our own.
            if dwarfSampler != nil { wakeAt = min(wakeAt, clock.now + Self.ringConsumeInterval) }
            let event = wait(until: wakeAt, clock: clock)
            dwarfSampler?.consume()
            if control.withLock({ $0.stopRequested }) {
                state = .stopped
            } else if event == .targetExited || (target.map { $0.exitFD < 0 && $0.hasExited } ?? false) {
                state = .targetExited
            } else if let deadline, clock.now >= deadline {
                state = .finished
            }
            if state == .running && clock.now < nextDrain { continue }
            nextDrain = clock.now + interval
            let reset = control.withLock { control in
                defer { control.resetRequested = false }
                return state == .running && control.resetRequested
            }
            do {
                if reset { try resetProfile() }
                try drainOnce()
                if autoUnwindPending && state == .running { try decideUnwind(after: (clock.now - start).seconds) }
            } catch {
                state = .failed(error.description)
            }
            let elapsed = (clock.now - start).seconds
            if state == .running {
                onDrain(publish(state: .running, startDate: startDate, elapsed: elapsed))
            }
        }
        events.disableAll()
        // Samples may still sit in the buffer the program wrote last: drain it too.
        if case .failed = state {} else { try? drainOnce() }
        let elapsed = min((clock.now - start).seconds, Double(settings.duration ?? Int.max))
        return finish(state: state, startDate: startDate, elapsed: elapsed)
    }

    private func finish(state: SessionSnapshot.State, startDate: Date, elapsed: Double) -> SessionSnapshot {
        events.closeAll()
        if let target {
            symbolizer.forget(pid: target.pid)
            dwarfCollector?.forget(pid: target.pid)
        }
        return publish(state: state, startDate: startDate, elapsed: elapsed)
    }

    private func waitForFirstSample() {
        let seen = Int(FT_SAMPLES_SEEN.rawValue)
        let giveUp = Date().addingTimeInterval(2)
        while Date() < giveUp {
            let seenSoFar = sampler?.maps.readCounters()[seen]
                ?? dwarfSampler?.readCounters()[Int(FT_UNWIND_SEEN.rawValue)] ?? 0
            if seenSoFar > 0 {
                firstSampleDate = Date()
                return
            }
            usleep(50)
        }
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

    /// Flip buffers, drain the idle one, symbolize, free its stacks, read counters.
    private func drainOnce() throws(SamplingError) {
        let started = ContinuousClock.now
        guard let sampler else {
            drainDwarf()
            statistics.drains += 1
            statistics.lastDrainMicroseconds = UInt64((ContinuousClock.now - started).seconds * 1_000_000)
            return
        }
        let idle = activeBuffer
        activeBuffer = 1 - activeBuffer
        try sampler.maps.activate(buffer: activeBuffer)

        let drained = try drainer.drain(fd: sampler.maps.counts[idle])
        let used = assembler.assemble(drained, maps: sampler.maps, buffer: idle,
                                      into: &profile, statistics: &statistics)
        let totals = sampler.maps.readCounters()
        let droppedBefore = statistics.droppedMapFull
        applyCounters(totals)
        if statistics.droppedMapFull > droppedBefore {
            // A dropped sample's stacks are referenced by no count: sweep them.
            sampler.maps.clearStacks(buffer: idle)
        } else {
            for id in used { sampler.maps.deleteStack(hash: id, buffer: idle) }
        }
        statistics.drains += 1
        statistics.lastDrainMicroseconds = UInt64((ContinuousClock.now - started).seconds * 1_000_000)
    }

    private static let ringConsumeInterval = Duration.milliseconds(20)

    private func drainDwarf() {
        guard let dwarfSampler, let dwarfCollector else { return }
        dwarfSampler.consume()
        dwarfCollector.drain(into: &profile, statistics: &statistics)
        let totals = dwarfSampler.readCounters()
        func value(_ counter: ft_unwind_counter) -> UInt64 {
            let index = Int(counter.rawValue)
            return totals[index] &- dwarfCounterBase[index]
        }
        statistics.samplesCounted = dwarfCollector.recordsHandled
        statistics.droppedRingFull = value(FT_UNWIND_DROPPED_RING_FULL)
        statistics.filtered = value(FT_UNWIND_FILTERED)
        statistics.idle = value(FT_UNWIND_IDLE)
    }

    private func applyCounters(_ totals: [UInt64]) {
        func value(_ counter: ft_counter) -> UInt64 {
            let index = Int(counter.rawValue)
            return totals[index] &- counterBase[index]
        }
        statistics.samplesCounted = value(FT_SAMPLES_COUNTED)
        statistics.droppedMapFull = value(FT_SAMPLES_DROPPED_MAP_FULL)
        statistics.filtered = value(FT_SAMPLES_FILTERED)
        statistics.idle = value(FT_SAMPLES_IDLE)
    }

    private static func makeDwarfSampler(settings: SessionSettings, targetTGID: UInt32, rootByProcess: Bool,
                                         symbolizer: AddressSymbolizer) throws(SamplingError) -> (DwarfSampler, DwarfStackCollector) {
        let dwarfSampler = try DwarfSampler(configuration: .init(
            targetTGID: targetTGID, userStacks: settings.userStacks, kernelStacks: settings.kernelStacks,
            stackBytes: settings.stackCopyBytes,
            ringBytes: settings.ringBufferBytes(cpus: OnlineCPUs.list().count)))
        let collector = DwarfStackCollector(symbolizer: symbolizer, rootByProcess: rootByProcess,
                                            stackCopyBytes: settings.stackCopyBytes)
        try dwarfSampler.openRing(context: Unmanaged.passUnretained(collector).toOpaque(), handler: dwarfRecordHandler)
        return (dwarfSampler, collector)
    }

    /// `auto`: once enough frame-pointer stacks are in, keep frame pointers or
    /// move the perf events to the DWARF program. The frame-pointer profile is
    /// dropped on a switch: its stacks are the incomplete ones.
    private func decideUnwind(after seconds: Double) throws(SamplingError) {
        let stacks = statistics.framePointerStacks
        let incomplete = statistics.framePointerStacksIncomplete
        let verdict = AutoUnwindRule.verdict(stacks: stacks, incomplete: incomplete)
        let completePercent = stacks == 0 ? 0 : Int((Double(stacks - incomplete) * 100 / Double(stacks)).rounded())
        switch verdict {
        case .undecided:
            return
        case .keepFramePointers:
            autoUnwindPending = false
            unwindDecision = "auto: frame pointers (\(completePercent)% of \(stacks) stacks reach a thread entry)"
        case .switchToDwarf:
            autoUnwindPending = false
            let dwarf: (DwarfSampler, DwarfStackCollector)
            do {
                dwarf = try Self.makeDwarfSampler(settings: settings, targetTGID: targetTGID,
                                                  rootByProcess: target == nil, symbolizer: symbolizer)
            } catch {
                unwindDecision = "auto: frame pointers, though only \(completePercent)% of \(stacks) stacks are complete: "
                    + "DWARF mode is unavailable (\(error.description))"
                return
            }
            // A perf event runs one program: the frame-pointer links go first, and
            // destroying them disables the events.
            sampler = nil
            try dwarf.0.attach(to: events)
            try events.enableAll()
            (dwarfSampler, dwarfCollector) = dwarf
            unwindInUse = .dwarf
            profile = StackCounts()
            statistics = SamplingStatistics()
            dwarfCounterBase = dwarf.0.readCounters()
            unwindDecision = String(format: "auto: DWARF from %.1f s on (frame pointers: %d%% of %llu stacks complete)",
                                    seconds, completePercent, stacks)
        }
    }

    /// Discards everything sampled so far: what was drained, and what waits in the
    /// active buffer. Samples that land in the microseconds between the flip and
    /// reading the counters' base show in the profile but not in `samplesCounted`.
    private func resetProfile() throws(SamplingError) {
        try drainOnce()
        profile = StackCounts()
        statistics = SamplingStatistics()
        dwarfCollector?.reset()
        if let sampler { counterBase = sampler.maps.readCounters() }
        if let dwarfSampler { dwarfCounterBase = dwarfSampler.readCounters() }
    }

    private func publish(state: SessionSnapshot.State, startDate: Date, elapsed: Double) -> SessionSnapshot {
        generation += 1
        var snapshot = SessionSnapshot(
            settings: settings, counts: profile, statistics: statistics, state: state,
            startedAt: startDate, elapsed: elapsed, targetName: target?.name ?? "all", generation: generation)
        snapshot.unresolvedModules = symbolizer.unresolvedModules()
        snapshot.unwind = autoUnwindPending ? .auto : unwindInUse
        snapshot.unwindDecision = unwindDecision
        published.withLock { $0 = snapshot }
        return snapshot
    }
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
