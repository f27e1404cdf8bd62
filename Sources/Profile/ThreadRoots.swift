/// Per-thread views of a profile whose stacks carry their thread (`Stack.thread`):
/// what the TUI's thread key and `record --per-thread` show.
extension Frame.Kind {
    /// Process and thread roots: they name where a stack ran, not a function.
    public var isSynthetic: Bool { self == .process || self == .thread }
}

extension StackCounts {
    /// The same samples without their threads: the stacks of every thread merge.
    public func mergingThreads() -> StackCounts {
        guard counts.keys.contains(where: { $0.thread != nil }) else { return self }
        var merged = StackCounts()
        for (stack, count) in counts { merged.add(Stack(stack.frames), count: count) }
        return merged
    }

    /// Every stack rooted at its thread (`name (tid N)`, below its process's root in
    /// system-wide profiles), so the tree and a folded file separate the threads.
    public func groupedByThread() -> StackCounts {
        guard counts.keys.contains(where: { $0.thread != nil }) else { return self }
        var grouped = StackCounts()
        for (stack, count) in counts {
            guard let thread = stack.thread else {
                grouped.add(stack, count: count)
                continue
            }
            var frames = stack.frames
            let position = frames.first?.kind == .process ? 1 : 0
            frames.insert(thread.rootFrame, at: position)
            grouped.add(Stack(frames), count: count)
        }
        return grouped
    }

    /// The samples of one thread, merged into plain stacks.
    public func onlyThread(_ thread: ThreadLabel) -> StackCounts {
        var only = StackCounts()
        for (stack, count) in counts where stack.thread == thread { only.add(Stack(stack.frames), count: count) }
        return only
    }

    /// The threads present, busiest first.
    public var threads: [(thread: ThreadLabel, samples: UInt64)] {
        var totals: [ThreadLabel: UInt64] = [:]
        for (stack, count) in counts {
            if let thread = stack.thread { totals[thread, default: 0] += count }
        }
        return totals.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.tid < $1.key.tid }
            .map { ($0.key, $0.value) }
    }
}
