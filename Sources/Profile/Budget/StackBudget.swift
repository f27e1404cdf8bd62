/// Bounds a profile's unique stacks: a stack the profile already holds, or one that
/// fits under `maxStacks`, is added as it is; past that, the oldest detail goes
/// first: a new stack is cut to its outermost `keptFrames` frames under a
/// `[stack budget exceeded]` marker (so the samples stay under their process,
/// thread and entry functions), and when even those cut stacks fill the reserve,
/// to the marker alone. Every sample is kept and the cut ones are counted.
public struct StackBudget: Sendable, Equatable {
    public let maxStacks: Int
    /// Cut stacks may take this many more entries beyond `maxStacks`.
    public let reserve: Int
    public static let keptFrames = 4
    public static let marker = Frame(function: "[stack budget exceeded]")

    /// Samples whose stacks were cut, since the start.
    public private(set) var cutSamples: UInt64 = 0

    public init(maxStacks: Int) {
        self.maxStacks = max(1, maxStacks)
        reserve = max(1, self.maxStacks / 10)
    }

    /// Adds `new` to `profile` within the budget; returns what was added (cut stacks
    /// as they were added), for the time slices.
    @discardableResult
    public mutating func merge(_ new: StackCounts, into profile: inout StackCounts) -> StackCounts {
        guard profile.uniqueStacks + new.uniqueStacks > maxStacks else {
            profile.merge(new)
            return new
        }
        var added = StackCounts()
        // Largest first: within one drain the stacks that carry most samples keep their detail.
        for (stack, count) in new.counts.sorted(by: { $0.value > $1.value }) {
            let kept: Stack
            if profile.counts[stack] != nil || profile.uniqueStacks < maxStacks {
                kept = stack
            } else {
                let cut = Stack(Array(stack.frames.prefix(Self.keptFrames)) + [Self.marker])
                kept = profile.counts[cut] != nil || profile.uniqueStacks < maxStacks + reserve
                    ? cut : Stack([Self.marker])
                cutSamples += count
            }
            profile.add(kept, count: count)
            added.add(kept, count: count)
        }
        return added
    }
}
