import Profile

/// The diff view of the profile screen: the flame tree and the function table of the shown
/// profile laid over a baseline, each function's share now and before and the change in
/// points, largest change first. The screen owns one while it has a baseline; `b` flips
/// between the diff and the plain profile.
struct DiffScreen {
    enum Pane: Sendable { case tree, table }

    let baseline: ProfileBaseline
    var isShown = true
    private(set) var pane: Pane = .tree
    private(set) var tree = DiffTreeView()
    private(set) var table = DiffTableView()
    /// Samples of the current side, for the titles.
    private(set) var currentSamples: UInt64?

    init(baseline: ProfileBaseline) {
        self.baseline = baseline
    }

    /// Lays the newest model's profile over the baseline (the baseline's side is built once).
    mutating func update(current model: ProfileModel) {
        tree.update(CallTreeDiff(baseline: baseline.tree, current: model.base))
        table.update(ProfileDiff(baseline: baseline.stats, current: model.stats))
        currentSamples = model.stacks.totalSamples
    }

    mutating func resize(_ layout: ProfileLayout) {
        tree.visibleRows = layout.treeRows.count
        table.visibleRows = layout.functionRows.count
    }

    /// The keys of the diff panes; nil for keys the screen handles as always (help, quit,
    /// pause, export, search).
    mutating func handle(_ key: Key) -> ScreenAction? {
        switch key {
        case .tab, .backTab:
            pane = pane == .tree ? .table : .tree
            return .redraw
        case .character("b"):
            isShown = false
            return .redraw
        default:
            let handled = pane == .tree ? tree.handle(key) : table.handle(key)
            return handled ? .redraw : nil
        }
    }

    // MARK: Keys and hints: one table

    static let helpSections: [HelpOverlay.Section] = [
        .init(title: "Diff (profile vs baseline)", keys: [
            ("Tab", "switch pane"),
            ("↑ ↓  j k", "move"),
            ("PgUp PgDn", "page up / down"),
            ("Home End", "first / last (g G)"),
            ("Enter Space", "fold / unfold (tree)"),
            ("b", "plain profile ⇄ diff"),
            ("p", "pause, keep sampling"),
            ("q", "back / quit"),
            ("?  F1", "this help"),
        ]),
        .init(title: "Reading it", keys: [
            ("+", "grew: a finding (red)"),
            ("-", "shrank: a finding (green)"),
            ("new gone", "only now / only before"),
            ("noise", "not significant or < 1 pt"),
        ]),
    ]

    /// The plain profile's help gains this while a baseline is set.
    static let toggleHelp: [HelpOverlay.Section] = [
        .init(title: "Baseline", keys: [("b", "show the diff")]),
    ]

    func hints(isLive: Bool, isPaused: Bool) -> [(key: String, label: String)] {
        var hints: [(key: String, label: String)] = [("Tab", "Pane")]
        if pane == .tree { hints.append(("Enter", "Fold")) }
        hints += [("b", "Profile"), ("p", isPaused ? "Resume" : "Pause"), ("?", "Help"), ("q", isLive ? "Back" : "Quit")]
        return hints
    }
}
