import FoundationEssentials
import Pprof
import Profile
import Sampling

/// The profile screen: a status line, the flame tree and the top functions, drawn
/// from the latest immutable `SessionSnapshot`. Live updates keep the selection,
/// expansion, zoom and search; `p` freezes the display while sampling goes on.
public struct ProfileScreen {
    public enum Pane: Sendable { case tree, functions }

    /// flametop's own cost, shown in the status line.
    public struct SelfUsage: Sendable, Equatable {
        public var cpuPercent: Double
        public var residentBytes: UInt64
        public init(cpuPercent: Double, residentBytes: UInt64) {
            self.cpuPercent = cpuPercent
            self.residentBytes = residentBytes
        }
    }

    enum Prompt: Equatable {
        case search(LineEditor)
        /// Which format to export in, asked before the file name.
        case exportFormat
        case export(LineEditor, ProfileFormat)
        case confirmLeave
    }

    /// False for a saved profile (`flametop view`).
    public let isLive: Bool
    /// What the panes show (frozen while paused).
    private(set) var model: ProfileModel?
    /// The newest snapshot, shown in the status line even while paused.
    public private(set) var latest: SessionSnapshot?
    private(set) var tree = FlameTreeView()
    private(set) var functions = TopFunctionsView()
    /// The diff view, while a baseline is set.
    private(set) var diff: DiffScreen?
    public private(set) var pane: Pane = .tree
    public private(set) var isPaused = false
    /// Lowercased search text; empty when not searching.
    public private(set) var searchQuery = ""
    /// Where the profile was last exported since it was started or reset.
    public private(set) var exportedPath: String?
    public internal(set) var message: (text: String, isError: Bool)?
    public private(set) var showsHelp = false
    /// The seconds the panes show (`t`, `[ ]`, `{ }`, `< >`).
    var timeline = TimelineWindow()
    /// Threads merged, grouped or one alone (`T`).
    var threadView = ThreadView.merged
    /// Short names on screen unless `f` asked for the full ones.
    private(set) var nameForm = FunctionNameForm.short
    private(set) var prompt: Prompt?
    private var searchBeforePrompt = ""
    /// The wall clock, set by the app each tick (export file names use it).
    public var now = Date()
    public var selfUsage: SelfUsage?
    private(set) var width = 80
    private(set) var height = 24

    public init(isLive: Bool) {
        self.isLive = isLive
    }

    public var isPrompting: Bool { prompt != nil }

    /// What the shown profile is compared with; nil without a diff view.
    public var baseline: ProfileBaseline? { diff?.baseline }
    /// True while the diff view (not the plain profile) is on screen.
    public var isShowingDiff: Bool { diff?.isShown ?? false }

    /// Opens the diff view against `baseline` (nil closes it). The live screen's
    /// "mark baseline" key and `view --baseline` both come through here.
    public mutating func compare(with baseline: ProfileBaseline?) {
        guard let baseline else {
            diff = nil
            return
        }
        var diff = DiffScreen(baseline: baseline)
        diff.resize(layout)
        if let model { diff.update(current: model) }
        self.diff = diff
    }

    // MARK: Data

    /// The snapshot the panes show.
    public var shown: SessionSnapshot? { model?.snapshot }
    /// Share (0–100) of samples whose stack holds a function matching the search.
    public var searchShare: Double? { model?.searchShare }

    /// What a model for the current view must be built with.
    var modelParameters: ProfileModel.Parameters {
        ProfileModel.Parameters(mode: tree.mode, query: searchQuery, window: timeline.window, threads: threadView)
    }

    /// The window shown: `.all` or seconds of the session's history.
    public var window: TimeWindow { timeline.window }

    /// Where the parts go: a live profile with history has a timeline row.
    var layout: ProfileLayout { ProfileLayout(width: width, height: height, timeline: hasTimeline) }
    var hasTimeline: Bool { isLive && latest?.slices != nil }

    /// The counts shown (the window, the threads), from the newest snapshot: what an
    /// export writes and a baseline holds.
    public func shownCounts(of snapshot: SessionSnapshot) -> StackCounts {
        modelParameters.counts(of: snapshot).counts
    }

    /// `shownCounts(of:)` with their unit (samples, or time).
    public func shownWindowCounts(of snapshot: SessionSnapshot) -> WindowCounts {
        modelParameters.counts(of: snapshot)
    }

    /// Whether the panes show time (off-CPU, wall, a window weighted over two rates).
    var showsTime: Bool {
        model?.unit.isTime ?? (latest?.settings.mode.unit == .microseconds)
    }

    /// Takes a snapshot and builds its model at once (tests, saved profiles). The app
    /// builds models on a worker instead: `note(_:)`, `needsModel(for:)`, `apply(_:)`.
    public mutating func update(_ snapshot: SessionSnapshot, stacks: StackTable? = nil) {
        note(snapshot)
        if needsModel(for: snapshot) {
            apply(ProfileModel(snapshot: snapshot, stacks: stacks, parameters: modelParameters))
        }
    }

    /// Records the newest snapshot for the status line.
    public mutating func note(_ snapshot: SessionSnapshot) {
        let hadTimeline = hasTimeline
        latest = snapshot
        if hasTimeline != hadTimeline { resize(width: width, height: height) }
    }

    /// Whether the panes should be rebuilt from `snapshot`: its counts are newer than
    /// what is shown and the display is not paused, or the window moved.
    public func needsModel(for snapshot: SessionSnapshot) -> Bool {
        (!isPaused && snapshot.generation != model?.generation) || selectionChanged
    }

    /// The window or the thread view changed since the shown model was built:
    /// rebuild even while paused.
    private var selectionChanged: Bool {
        guard let model else { return false }
        return model.parameters.window != timeline.window || model.parameters.threads != threadView
    }

    /// Shows a model built for the current parameters; returns false (and shows
    /// nothing) when it is stale because the mode or search changed meanwhile.
    @discardableResult
    mutating func apply(_ model: ProfileModel) -> Bool {
        guard model.parameters == modelParameters, !isPaused || selectionChanged else { return false }
        self.model = model
        tree.update(tree: model.tree)
        functions.update(model.stats)
        diff?.update(current: model)
        return true
    }

    private mutating func switchMode(to mode: FlameTreeView.Mode) {
        guard var model else {
            tree.switchMode(to: mode, tree: ProfileModel.tree(from: CallTree(StackCounts()), mode: mode))
            return
        }
        model.switchMode(to: mode)
        self.model = model
        tree.switchMode(to: mode, tree: model.tree)
    }

    public mutating func resize(width: Int, height: Int) {
        self.width = width
        self.height = height
        let layout = self.layout
        tree.visibleRows = layout.treeRows.count
        functions.visibleRows = layout.functionRows.count
        diff?.resize(layout)
    }

    /// The app wrote (or failed to write) the export the screen asked for.
    public mutating func exportFinished(path: String, error: String?) {
        if let error {
            message = ("export failed: \(error)", true)
        } else {
            exportedPath = path
            message = ("exported to \(path)", false)
        }
    }

    /// Shows a note in the footer until the next key.
    public mutating func show(message text: String, isError: Bool) {
        message = (text, isError)
    }

    /// The app reset the session: the next snapshot starts from zero.
    public mutating func didReset() {
        exportedPath = nil
        message = ("counts reset", false)
    }

    // MARK: Keys

    public mutating func handle(_ key: Key) -> ScreenAction {
        if showsHelp {
            showsHelp = false
            return .redraw
        }
        if let prompt { return handlePrompt(prompt, key) }
        message = nil
        if var diff, diff.isShown, let action = diff.handle(key) {
            self.diff = diff
            return action
        }
        if key == .character("b"), diff != nil {
            diff?.isShown = true
            return .redraw
        }
        switch key {
        case .tab, .backTab:
            pane = pane == .tree ? .functions : .tree
        case .character("?"), .function(1):
            showsHelp = true
        case .character("q"), .function(10):
            return leave()
        case .escape:
            if !searchQuery.isEmpty {
                setSearch("")
            } else if tree.zoomOut() {
                break
            } else if tree.mode.focus != nil {
                switchMode(to: FlameTreeView.Mode(inverted: tree.mode.inverted, focus: nil))
            } else {
                return leave()
            }
        case .character("p"):
            // Resuming shows the newest counts with the next model (`needsModel`).
            isPaused.toggle()
        case .character("r"):
            guard isLive else { return .none }
            return .resetProfile
        case .character("w"):
            guard isLive else { return .none }
            guard SessionSettings.UnwindMode.dwarfSupported else {
                message = ("DWARF unwinding supports x86-64 only: frame pointers it is", true)
                return .redraw
            }
            return .switchUnwind
        case .character("o"):
            guard isLive else { return .none }
            return .cycleMode
        case .character("e"):
            guard latest != nil else { return .none }
            prompt = .exportFormat
        case .character("t"), .character("["), .character("]"), .character("{"), .character("}"),
             .character("<"), .character(">"):
            return moveWindow(key)
        case .character("m"):
            return markBaseline()
        case .character("T"):
            return cycleThreads()
        case .character("/"):
            searchBeforePrompt = searchQuery
            prompt = .search(LineEditor(label: "Search functions: ", text: searchQuery))
        case .character("n"), .character("N"):
            guard !searchQuery.isEmpty else { return .none }
            pane = .tree
            if !tree.jumpToMatch(searchQuery, forward: key == .character("n")) {
                message = ("no function matches \"\(searchQuery)\"", true)
            }
        case .character("f"):
            nameForm = nameForm == .short ? .full : .short
            message = (nameForm == .full ? "full names (f: short names)" : "short names (f: full names)", false)
        case .character("i"):
            switchMode(to: FlameTreeView.Mode(inverted: !tree.mode.inverted, focus: tree.mode.focus))
            pane = .tree
        case .enter where pane == .functions:
            guard let function = functions.selectedFunction else { return .none }
            switchMode(to: FlameTreeView.Mode(inverted: tree.mode.inverted, focus: function.identity))
            pane = .tree
        default:
            let handled = pane == .tree ? tree.handle(key) : functions.handle(key)
            return handled ? .redraw : .none
        }
        return .redraw
    }

    /// Back to the process list (or out, for a saved profile), asking first when a
    /// live profile with samples was never exported.
    private mutating func leave() -> ScreenAction {
        guard isLive else { return .quit }
        if exportedPath == nil, (latest?.counts.totalSamples ?? 0) > 0 {
            prompt = .confirmLeave
            return .redraw
        }
        return .closeProfile
    }

    private mutating func handlePrompt(_ current: Prompt, _ key: Key) -> ScreenAction {
        switch current {
        case .confirmLeave:
            prompt = nil
            switch key {
            case .character("y"), .character("Y"): return .closeProfile
            case .character("e"): return handle(.character("e"))
            default: return .redraw
            }
        case .search(var editor):
            let outcome = editor.handle(key)
            prompt = .search(editor)
            switch outcome {
            case .editing:
                setSearch(editor.text)
            case .cancelled:
                prompt = nil
                setSearch(searchBeforePrompt)
            case .committed(let text):
                prompt = nil
                setSearch(text)
                if !searchQuery.isEmpty {
                    pane = .tree
                    if !tree.jumpToMatch(searchQuery, forward: true) {
                        message = ("no function matches \"\(searchQuery)\"", true)
                    }
                }
            }
            return .redraw
        case .exportFormat:
            let format: ProfileFormat
            switch key {
            case .character("f"), .character("F"), .enter: format = .folded
            case .character("p"), .character("P"): format = .pprof
            case .escape, .character("q"):
                prompt = nil
                return .redraw
            default: return .none
            }
            guard let snapshot = latest else {
                prompt = nil
                return .redraw
            }
            var label = format == .folded ? "Export folded stacks" : "Export pprof"
            if timeline.window != .all { label += " (\(TimelineWindow.describe(timeline.window)))" }
            label += " to: "
            let name = format.renaming(ProfileFileName.make(for: snapshot, at: now, window: timeline.window))
            prompt = .export(LineEditor(label: label, text: name, maxLength: 4096), format)
            return .redraw
        case .export(var editor, let format):
            let outcome = editor.handle(key)
            prompt = .export(editor, format)
            switch outcome {
            case .editing:
                return .redraw
            case .cancelled:
                prompt = nil
                return .redraw
            case .committed(let text):
                prompt = nil
                let path = text.trimmingSpaces
                return path.isEmpty ? .redraw : .export(path: path, format: format)
            }
        }
    }

    private mutating func setSearch(_ text: String) {
        searchQuery = text.lowercased()
        model?.switchQuery(to: searchQuery)
    }
}
