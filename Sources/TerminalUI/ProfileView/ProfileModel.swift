import Profile
import Sampling

/// What the profile panes show for one snapshot: the tree for the current mode, the
/// function table and the search share. Building it walks every stack, so the app
/// builds it on a worker thread; mode and search changes derive from it cheaply.
struct ProfileModel: Sendable {
    /// What a model was built for; a model whose parameters differ from the screen's
    /// current ones is stale.
    struct Parameters: Hashable, Sendable {
        var mode = FlameTreeView.Mode()
        /// Lowercased search text; empty when not searching.
        var query = ""
        /// The seconds shown (`.all`: the whole session).
        var window: TimeWindow = .all
        /// Threads merged, grouped at the root, or one alone.
        var threads = ThreadView.merged

        /// The counts these parameters show of a snapshot, and their unit.
        func counts(of snapshot: SessionSnapshot) -> WindowCounts {
            var shown = snapshot.counts(of: window)
            shown.counts = threads.apply(to: shown.counts)
            return shown
        }
    }

    let snapshot: SessionSnapshot
    private(set) var parameters: Parameters
    /// What the counts are: samples at a rate, or time (off-CPU, wall, or a window over
    /// the rewind history and the session's own seconds, weighted into CPU time).
    let unit: CountUnit
    /// The stacks every part below is built from.
    let stacks: StackTable
    /// The whole profile, top-down: the source of every mode's tree.
    let base: CallTree
    /// `base` inverted and/or focused as `parameters.mode` says.
    private(set) var tree: CallTree
    let stats: FunctionStats
    /// Share (0–100) of samples whose stack holds a function matching the query.
    private(set) var searchShare: Double?

    /// `stacks` when the source has them already (a saved profile); otherwise they come from
    /// the snapshot's counts.
    init(snapshot: SessionSnapshot, stacks: StackTable? = nil, parameters: Parameters) {
        let (stacks, unit) = Self.stacks(given: stacks, snapshot: snapshot, parameters: parameters)
        let base = CallTree(stacks)
        self.init(snapshot: snapshot, parameters: parameters, unit: unit, stacks: stacks, base: base,
                  tree: Self.tree(from: base, mode: parameters.mode), stats: FunctionStats(stacks))
    }

    private init(snapshot: SessionSnapshot, parameters: Parameters, unit: CountUnit, stacks: StackTable,
                 base: CallTree, tree: CallTree, stats: FunctionStats) {
        self.snapshot = snapshot
        self.parameters = parameters
        self.unit = unit
        self.stacks = stacks
        self.base = base
        self.tree = tree
        self.stats = stats
        searchShare = Self.share(of: parameters.query, in: stacks)
    }

    /// Builds a model, checking `isCancelled` between its steps; nil once it says so.
    static func build(snapshot: SessionSnapshot, stacks given: StackTable?, parameters: Parameters,
                      isCancelled: () -> Bool) -> ProfileModel? {
        let (stacks, unit) = Self.stacks(given: given, snapshot: snapshot, parameters: parameters)
        guard !isCancelled() else { return nil }
        let base = CallTree(stacks)
        guard !isCancelled() else { return nil }
        let tree = Self.tree(from: base, mode: parameters.mode)
        guard !isCancelled() else { return nil }
        let stats = FunctionStats(stacks)
        guard !isCancelled() else { return nil }
        return ProfileModel(snapshot: snapshot, parameters: parameters, unit: unit, stacks: stacks, base: base,
                            tree: tree, stats: stats)
    }

    /// A saved profile's stacks (in its mode's unit), or the window's from the snapshot.
    private static func stacks(given: StackTable?, snapshot: SessionSnapshot,
                               parameters: Parameters) -> (StackTable, CountUnit) {
        if let given {
            let timed = snapshot.settings.mode.unit == .microseconds
            return (given, timed ? .microseconds : .samples(hz: snapshot.settings.frequency))
        }
        let shown = parameters.counts(of: snapshot)
        return (StackTable(shown.counts), shown.unit)
    }

    var generation: UInt64 { snapshot.generation }

    mutating func switchMode(to mode: FlameTreeView.Mode) {
        guard mode != parameters.mode else { return }
        parameters.mode = mode
        tree = Self.tree(from: base, mode: mode)
    }

    mutating func switchQuery(to query: String) {
        guard query != parameters.query else { return }
        parameters.query = query
        searchShare = Self.share(of: query, in: stacks)
    }

    static func tree(from base: CallTree, mode: FlameTreeView.Mode) -> CallTree {
        var tree = mode.inverted ? base.inverted() : base
        if let focus = mode.focus { tree = tree.focused(on: focus) }
        return tree
    }

    static func share(of query: String, in stacks: StackTable) -> Double? {
        query.isEmpty ? nil : stacks.share { FunctionNameForm.matches($0, query: query) }
    }
}
