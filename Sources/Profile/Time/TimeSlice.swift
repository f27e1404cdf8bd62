/// The stacks counted during one second: ids into the ring's `SliceStackTable` with their counts,
/// sorted by id so two drains of the same second merge in one pass.
struct TimeSlice: Sendable {
    var second: Int64
    private(set) var stackIDs: [UInt32] = []
    private(set) var counts: [UInt64] = []
    private(set) var totalSamples: UInt64 = 0

    init(second: Int64) {
        self.second = second
    }

    var isEmpty: Bool { stackIDs.isEmpty }

    /// Adds (id, count) pairs sorted by id, each id once.
    mutating func add(sorted pairs: [(id: UInt32, count: UInt64)]) {
        guard !pairs.isEmpty else { return }
        for pair in pairs { totalSamples += pair.count }
        guard !stackIDs.isEmpty else {
            stackIDs = pairs.map(\.id)
            counts = pairs.map(\.count)
            return
        }
        var mergedIDs: [UInt32] = []
        var mergedCounts: [UInt64] = []
        mergedIDs.reserveCapacity(stackIDs.count + pairs.count)
        mergedCounts.reserveCapacity(stackIDs.count + pairs.count)
        var old = 0, new = 0
        while old < stackIDs.count || new < pairs.count {
            if new == pairs.count || (old < stackIDs.count && stackIDs[old] < pairs[new].id) {
                mergedIDs.append(stackIDs[old])
                mergedCounts.append(counts[old])
                old += 1
            } else if old == stackIDs.count || pairs[new].id < stackIDs[old] {
                mergedIDs.append(pairs[new].id)
                mergedCounts.append(pairs[new].count)
                new += 1
            } else {
                mergedIDs.append(stackIDs[old])
                mergedCounts.append(counts[old] + pairs[new].count)
                old += 1
                new += 1
            }
        }
        stackIDs = mergedIDs
        counts = mergedCounts
    }

    /// Heap bytes of the two arrays (capacity, not count, plus each array's 32-byte header).
    var estimatedBytes: Int {
        stackIDs.isEmpty ? 0 : 64 + stackIDs.capacity * 4 + counts.capacity * 8
    }
}
