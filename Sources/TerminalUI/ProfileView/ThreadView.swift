import Profile

/// How a per-thread profile's thread roots are shown: merged away (the default),
/// grouped at the root, or one thread alone. `T` cycles through them.
enum ThreadView: Hashable, Sendable {
    case merged
    case grouped
    case only(ThreadLabel)

    func apply(to counts: StackCounts) -> StackCounts {
        switch self {
        case .merged: return counts.mergingThreads()
        case .grouped: return counts.groupedByThread()
        case .only(let thread): return counts.onlyThread(thread)
        }
    }

    /// The view after this one, over `threads` (busiest first).
    func next(threads: [ThreadLabel]) -> ThreadView {
        switch self {
        case .merged: return .grouped
        case .grouped: return threads.first.map(ThreadView.only) ?? .merged
        case .only(let thread):
            guard let index = threads.firstIndex(of: thread), index + 1 < threads.count else { return .merged }
            return .only(threads[index + 1])
        }
    }

    /// The tree header's words; nil for the default.
    var title: String? {
        switch self {
        case .merged: return nil
        case .grouped: return "by thread"
        case .only(let thread): return "thread \(thread.rootFrame.function)"
        }
    }
}
