/// Per-thread profiles root every stack at a `.thread` frame (below the process's,
/// in system-wide ones). These views of them are what the TUI's thread key and the
/// folded export without `--per-thread` show.
extension Frame.Kind {
    /// Process and thread roots: they name where a stack ran, not a function.
    public var isSynthetic: Bool { self == .process || self == .thread }
}

extension StackCounts {
    /// The same samples with thread roots left out: threads of one process merge.
    public func mergingThreads() -> StackCounts {
        guard counts.keys.contains(where: { $0.frames.contains { $0.kind == .thread } }) else { return self }
        var merged = StackCounts()
        for (stack, count) in counts {
            merged.add(Stack(stack.frames.filter { $0.kind != .thread }), count: count)
        }
        return merged
    }

    /// The samples of one thread (its root frame), still rooted at it.
    public func onlyThread(_ thread: Frame) -> StackCounts {
        StackCounts(distinct: counts.filter { $0.key.frames.contains(thread) }.map { ($0.key, $0.value) })
    }

    /// The thread roots present, busiest first.
    public var threads: [(frame: Frame, samples: UInt64)] {
        var totals: [Frame: UInt64] = [:]
        for (stack, count) in counts {
            if let thread = stack.frames.first(where: { $0.kind == .thread }) { totals[thread, default: 0] += count }
        }
        return totals.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.function < $1.key.function }
            .map { ($0.key, $0.value) }
    }
}
