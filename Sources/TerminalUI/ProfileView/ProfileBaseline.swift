import Profile

/// What the diff view compares the shown profile with: a saved profile (`view --baseline`)
/// or, once the live screen can mark one, a window of the session. Its tree and statistics
/// are built once, so each live update only builds the current side.
public struct ProfileBaseline: Sendable {
    public let counts: StackCounts
    /// What the diff view calls it: a file name, or the window it was marked from.
    public let name: String
    let tree: CallTree
    let stats: FunctionStats

    public init(counts: StackCounts, name: String) {
        self.counts = counts
        self.name = name
        tree = CallTree(counts)
        stats = FunctionStats(counts)
    }
}
