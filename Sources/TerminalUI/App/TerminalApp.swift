import FoundationEssentials
import Glibc
import Pprof
import Profile
import Sampling

/// The main loop: owns the terminal, the process list and the profile being shown;
/// refreshes data on timers, redraws only when something changed, and turns signals
/// into an orderly exit. Everything runs on the calling thread; sampling runs on the
/// session's own thread and is only read through snapshots.
final class TerminalApp {
    private struct ActiveProfile {
        var screen: ProfileScreen
        let source: any ProfileSource
        var autosave: ProfileAutosave?
        var autosaveError: String?
        /// For `view`: leaving the profile quits instead of showing the list.
        let quitsOnClose: Bool
    }

    private let options: TerminalUIOptions
    private let terminal: Terminal
    private var processList: ProcessListScreen
    private var processTable = ProcessTable()
    private var profile: ActiveProfile?
    /// How `cpu` mode walks stacks, kept while `o` goes through off-CPU and wall (frame pointers).
    private var cpuUnwind: SessionSettings.UnwindMode = .auto
    private var selfUsage = SelfUsageMeter()
    /// The rewind history, recorded while the process list is shown; nil with `--history-rate 0`.
    private let history: HistoryRecorder?
    private let models = ProfileModelWorker()
    private var needsDraw = true
    private var finished: TerminalUIExit?
    private var messages: [String] = []
    private var nextProcessScan = 0.0
    private var nextProfileRefresh = 0.0
    private var nextAutosave = 0.0
    private var nextSelfMeasure = 0.0

    init(options: TerminalUIOptions, terminal: Terminal) {
        self.options = options
        self.terminal = terminal
        processList = ProcessListScreen(frequency: options.frequency, duration: options.duration)
        history = options.history.hz > 0 ? HistoryRecorder(settings: options.history) : nil
        processList.historyTurnedOff = history == nil
    }

    func run() -> TerminalUIExit {
        layout()
        switch options.start {
        case .processList:
            history?.start()
        case .profile(let settings):
            do {
                try startProfile(settings, seed: nil, quitsOnClose: false)
            } catch {
                return TerminalUIExit(status: 1, messages: ["flametop: cannot start profiling: \(error)"])
            }
        case .view(let source):
            show(source, quitsOnClose: true)
        }
        while finished == nil {
            let now = Self.monotonicSeconds()
            refresh(now: now)
            if needsDraw { draw() }
            let wait = max(0.01, nextDeadline() - Self.monotonicSeconds())
            for event in terminal.waitForEvents(timeout: wait) {
                handle(event)
                if finished != nil { break }
            }
        }
        return finished ?? TerminalUIExit(status: 0, messages: messages)
    }

    // MARK: Timers

    private func nextDeadline() -> Double {
        guard let profile else { return nextProcessScan }
        var deadline = min(nextProfileRefresh, nextSelfMeasure)
        // A model is being built: look for it soon.
        if models.isBuilding { deadline = min(deadline, Self.monotonicSeconds() + 0.05) }
        if profile.source.isLive, profile.autosave != nil { deadline = min(deadline, nextAutosave) }
        return deadline
    }

    private func refresh(now: Double) {
        if var active = profile {
            if now >= nextProfileRefresh {
                nextProfileRefresh = now + options.profileRefreshInterval
                let snapshot = active.source.snapshot()
                active.screen.now = Date()
                active.screen.note(snapshot)
                if active.screen.needsModel(for: snapshot) {
                    models.submit(snapshot, stacks: active.source.stacks, parameters: active.screen.modelParameters)
                }
                needsDraw = true
            }
            if let model = models.take() {
                // A stale model (the mode or search changed meanwhile) is dropped; the
                // next refresh submits again.
                if active.screen.apply(model) { needsDraw = true } else { nextProfileRefresh = 0 }
            }
            if now >= nextSelfMeasure {
                nextSelfMeasure = now + 1
                if let usage = selfUsage.measure(now: now) { active.screen.selfUsage = usage }
            }
            if active.source.isLive, now >= nextAutosave {
                nextAutosave = now + options.autosaveInterval
                autosave(&active)
            }
            profile = active
        } else if now >= nextProcessScan {
            nextProcessScan = now + options.processRefreshInterval
            processTable.readsVoluntarySwitches = processList.sortKey == .waiting
            processList.update(processTable.scan(threadsOf: processList.expandedPID))
            processList.history = history?.status()
            needsDraw = true
        }
    }

    private func autosave(_ active: inout ActiveProfile) {
        guard var autosave = active.autosave else { return }
        let error = autosave.save(active.source.snapshot(), options: options.foldedOptions)
        active.autosave = autosave
        if let error, active.autosaveError == nil {
            active.autosaveError = error
            active.screen.exportFinished(path: autosave.path, error: "autosave: \(error)")
            needsDraw = true
        }
    }

    // MARK: Drawing

    private func layout() {
        processList.resize(height: terminal.height)
        profile?.screen.resize(width: terminal.width, height: terminal.height)
        needsDraw = true
    }

    private func draw() {
        var canvas = terminal.makeCanvas()
        if let profile {
            profile.screen.render(into: &canvas)
        } else {
            processList.render(into: &canvas)
        }
        // Not drawn when the terminal takes no output: tried again on the next turn.
        needsDraw = !terminal.draw(canvas)
    }

    // MARK: Events

    private func handle(_ event: TerminalEvent) {
        switch event {
        case .resize:
            layout()
        case .signal(let signal):
            finish(status: 128 + signal)
        case .key(.control("l")):
            // Ctrl-L repaints everything, for a terminal garbled by another program.
            terminal.invalidate()
            needsDraw = true
        case .key(let key):
            let action: ScreenAction
            if var active = profile {
                let shown = (active.screen.window, active.screen.threadView)
                action = active.screen.handle(key)
                // A moved window or another thread view is rebuilt now, not at the next refresh.
                if shown != (active.screen.window, active.screen.threadView) { nextProfileRefresh = 0 }
                profile = active
            } else {
                let expanded = processList.expandedPID
                action = processList.handle(key)
                // Threads shown at once, not at the next scan.
                if processList.expandedPID != expanded, processList.expandedPID != nil { nextProcessScan = 0 }
            }
            perform(action)
        }
    }

    private func perform(_ action: ScreenAction) {
        switch action {
        case .none:
            return
        case .redraw:
            break
        case .quit:
            finish(status: 0)
        case .startProfile(let settings):
            startFromList(settings)
        case .closeProfile:
            closeProfile()
        case .export(let path, let format):
            guard var active = profile else { return }
            // A live profile exports what it shows (window, threads); a saved one, the file.
            let shown = active.screen.isLive ? active.screen.latest.map(active.screen.shownWindowCounts(of:)) : nil
            let counts = shown?.counts ?? active.source.countsToExport()
            var metadata = ProfileExport.metadata(for: active.source.snapshot())
            if shown?.unit == .microseconds, active.source.snapshot().settings.mode == .cpu {
                // A window over the rewind history and the session's own seconds is CPU time in µs.
                metadata.countCPUMicroseconds(why: "values are CPU microseconds: \(active.source.snapshot().settings.frequency) Hz "
                                              + "samples and the low-rate rewind history weighted by their periods")
            }
            let error = ProfileExport.write(counts, format: format, metadata: metadata,
                                            to: path, foldedOptions: options.foldedOptions)
            active.screen.exportFinished(path: path, error: error)
            profile = active
        case .resetProfile:
            guard var active = profile else { return }
            active.source.reset()
            active.screen.didReset()
            profile = active
            nextProfileRefresh = 0
        case .switchUnwind:
            switchUnwind()
        case .cycleMode:
            cycleMode()
        }
        needsDraw = true
    }

    private func startProfile(_ settings: SessionSettings, seed: HistorySeed?, quitsOnClose: Bool) throws {
        let source = try options.startSession(settings, seed)
        show(source, quitsOnClose: quitsOnClose)
    }

    /// Enter (or `a`) on the list. The history stops while a profile samples (its ring is
    /// kept for the other processes, and it starts again back on the list): the profile
    /// samples its target at the full rate, a second sampler would sample it twice, and
    /// the profile's status line shows flametop's own cost without the history's in it.
    /// The chosen process's history leaves the ring and seeds the session.
    private func startFromList(_ settings: SessionSettings) {
        history?.stop()
        var seed: HistorySeed?
        if case .process(let pid) = settings.target { seed = history?.takeSeed(pid: pid) }
        do {
            try startProfile(settings, seed: seed, quitsOnClose: false)
        } catch {
            processList.show(message: "cannot start profiling: \(error)", isError: true)
            history?.start()
        }
    }

    private func show(_ source: any ProfileSource, quitsOnClose: Bool) {
        var screen = ProfileScreen(isLive: source.isLive)
        screen.compare(with: source.baseline)
        screen.resize(width: terminal.width, height: terminal.height)
        let snapshot = source.snapshot()
        screen.now = Date()
        screen.note(snapshot)
        _ = models.take()
        models.submit(snapshot, stacks: source.stacks, parameters: screen.modelParameters)
        var autosave: ProfileAutosave?
        if source.isLive, let directory = options.autosaveDirectory {
            autosave = ProfileAutosave(directory: directory, snapshot: snapshot, date: Date())
        }
        profile = ActiveProfile(screen: screen, source: source, autosave: autosave, quitsOnClose: quitsOnClose)
        let now = Self.monotonicSeconds()
        nextProfileRefresh = now + options.profileRefreshInterval
        nextAutosave = now + options.autosaveInterval
        nextSelfMeasure = now
        needsDraw = true
    }

    /// Walks the target's stacks the other way from the next drain on; the
    /// profile so far is kept (its stacks are what they were).
    private func switchUnwind() {
        guard var active = profile, active.source.isLive else { return }
        let current = active.source.snapshot()
        guard case .process = current.settings.target else {
            active.screen.show(message: "w switches one process's unwinding; system-wide, each process has its own", isError: false)
            profile = active
            return
        }
        let mode: SessionSettings.UnwindMode = current.unwind == .dwarf ? .framePointers : .dwarf
        active.source.switchUnwind(to: mode)
        active.screen.show(message: "unwinding with \(mode == .dwarf ? "DWARF" : "frame pointers") from now on; "
                           + "the profile so far is kept", isError: false)
        profile = active
        nextProfileRefresh = 0
    }

    /// Restarts the session on the same target in the next mode: CPU samples,
    /// off-CPU time, wall-clock time. The counts change unit, so the profile starts
    /// anew (the old one is autosaved as on leaving the screen).
    private func cycleMode() {
        guard let active = profile, active.source.isLive else { return }
        var settings = active.source.snapshot().settings
        let next: ProfileMode
        switch settings.mode {
        case .cpu: next = .off
        case .off: next = .wall
        case .wall: next = .cpu
        }
        if settings.mode == .cpu { cpuUnwind = settings.unwind }
        settings.mode = next
        // Off-CPU stacks are walked with frame pointers (SessionSettings.validate).
        settings.unwind = next == .cpu ? cpuUnwind : .framePointers
        _ = stopProfile()
        do {
            try startProfile(settings, seed: nil, quitsOnClose: active.quitsOnClose)
            profile?.screen.show(message: "mode \(OffCPUWords.name(next)): "
                                 + (next == .cpu ? "counts are samples" : "counts are time (µs), the table shows ms/s")
                                 + "; a new profile", isError: false)
        } catch {
            processList.show(message: "cannot start \(OffCPUWords.name(next)) profiling: \(error)", isError: true)
            history?.start()
            layout()
        }
    }

    /// Stops the session, saves it one last time, and notes where it went.
    private func stopProfile() -> String? {
        guard let active = profile else { return nil }
        profile = nil
        models.cancel()
        active.source.stop()
        guard active.source.isLive, var autosave = active.autosave else { return nil }
        if let error = autosave.save(active.source.snapshot(), options: options.foldedOptions) {
            messages.append("flametop: autosave to \(autosave.path) failed: \(error)")
            return nil
        }
        guard autosave.hasSaved else { return nil }
        messages.append("flametop: profile autosaved to \(autosave.path)")
        return autosave.path
    }

    private func closeProfile() {
        let quits = profile?.quitsOnClose ?? false
        let saved = stopProfile()
        if quits {
            finish(status: 0)
            return
        }
        if let saved { processList.show(message: "profile autosaved to \(saved)", isError: false) }
        history?.start()
        nextProcessScan = 0
        layout()
    }

    private func finish(status: Int32) {
        _ = stopProfile()
        history?.stop()
        finished = TerminalUIExit(status: status, messages: messages)
    }

    private static func monotonicSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
