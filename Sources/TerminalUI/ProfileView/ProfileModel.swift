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
    }

    let snapshot: SessionSnapshot
    private(set) var parameters: Parameters
    /// The whole profile, top-down: the source of every mode's tree.
    let base: CallTree
    /// `base` inverted and/or focused as `parameters.mode` says.
    private(set) var tree: CallTree
    let stats: FunctionStats
    /// Share (0–100) of samples whose stack holds a function matching the query.
    private(set) var searchShare: Double?

    init(snapshot: SessionSnapshot, parameters: Parameters) {
        self.snapshot = snapshot
        self.parameters = parameters
        base = CallTree(snapshot.counts)
        tree = Self.tree(from: base, mode: parameters.mode)
        stats = FunctionStats(snapshot.counts)
        searchShare = Self.share(of: parameters.query, in: snapshot.counts)
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
        searchShare = Self.share(of: query, in: snapshot.counts)
    }

    static func tree(from base: CallTree, mode: FlameTreeView.Mode) -> CallTree {
        var tree = mode.inverted ? base.inverted() : base
        if let focus = mode.focus { tree = tree.focused(on: focus) }
        return tree
    }

    static func share(of query: String, in counts: StackCounts) -> Double? {
        guard !query.isEmpty else { return nil }
        var matching: UInt64 = 0
        // Many stacks share each function: decide each name once.
        var known: [String: Bool] = [:]
        for (stack, count) in counts.counts
        where stack.frames.contains(where: { frame in
            if let answer = known[frame.function] { return answer }
            let answer = FunctionNameForm.matches(frame, query: query)
            known[frame.function] = answer
            return answer
        }) {
            matching += count
        }
        return counts.totalSamples == 0 ? 0 : Double(matching) * 100 / Double(counts.totalSamples)
    }
}
